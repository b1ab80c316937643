"""Completed orders to rate."""

import pytest

from models.orders.lifecycle import Actor, walk_order
from tests.factories import make_product, order_for, published_version


def complete(order):
    return walk_order(order, ("confirmed", "processing", "ready", "completed"), Actor.system())


@pytest.fixture
def done(app):
    """A handed-over order of two products: (its tracking URL, the order)."""
    with app.app_context():
        apples = make_product(10, price=500, name="Apples")
        pears = make_product(10, price=700, name="Pears")
        order = order_for(published_version(), [(apples, 2), (pears, 1)], name="Alice Wong")
        order = complete(order)
        return f"/o/{order.tracking_token}", order
