"""A completed order to ask about, and actors."""

import pytest

from models.customers.customer import Customer
from models.orders.lifecycle import Actor, walk_order
from tests.factories import make_product, order_for, published_version


@pytest.fixture
def product(app_context):
    return make_product(10, price=1250)


@pytest.fixture
def completed(product):
    """An order of 3 of `product`, handed over."""
    order = order_for(published_version(), [(product, 3)])
    return walk_order(order, ("confirmed", "processing", "ready", "completed"), Actor.system())


@pytest.fixture
def customer_of():
    return lambda order: Actor.of_customer(Customer.get_by_id(order.customer_id))
