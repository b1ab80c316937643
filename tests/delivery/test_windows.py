"""Delivery windows' places (models/delivery/windows.py) taken by racing customers, with real
threads against the real database: a window's capacity is never exceeded."""

from collections import Counter as Tally
from datetime import timedelta

import pytest

from models.base import utcnow
from models.delivery.booking import OrderDelivery
from models.delivery.checkout import submit_delivered_order
from models.delivery.windows import (
    BadWindow,
    DeliveryWindow,
    WindowInUse,
    add_window,
    bookable_windows,
    remove_window,
)
from models.orders.order import Order
from tests.factories import cn_mobile
from tests.helpers import race


def _order(zoned, i, window):
    version = zoned["version"]
    order, _ = submit_delivered_order(
        version.template,
        version,
        zone_id=zoned["east"].id,
        window_id=window.id,
        address="朝阳区 1",
        answers={"name": f"Buyer {i}", "phone": cn_mobile()},
        quantities={zoned["fruit"].id: 1},
        submission_key=f"race-{i}",
        locale="en",
    )
    return order.id


def test_twenty_customers_racing_for_three_places_make_three_orders(app, zoned):
    window = add_window(
        zoned["east"], utcnow() + timedelta(hours=5), utcnow() + timedelta(hours=6), 3
    )

    results = race(app, 20, lambda i: _order(zoned, i, window))

    outcomes = Tally(outcome for outcome, _ in results)
    assert outcomes == {"ok": 3, "WindowFull": 17}, [r for r in results if r[0] != "ok"][:3]
    assert DeliveryWindow.get_by_id(window.id).taken == 3
    assert OrderDelivery.select().where(OrderDelivery.window == window.id).count() == 3
    assert Order.select().count() == 3  # the refused left no order and no stock held
    assert window.id not in {w.id for w in bookable_windows([zoned["east"].id])}


def test_a_window_ends_after_it_starts_and_is_kept_while_booked(app, zoned):
    start = utcnow() + timedelta(days=2)
    with pytest.raises(BadWindow):
        add_window(zoned["east"], start, start, None)
    _order(zoned, 0, zoned["window"])
    with pytest.raises(WindowInUse):
        remove_window(zoned["window"])
    empty = add_window(zoned["west"], start, start + timedelta(hours=2), None)
    remove_window(empty)
    assert DeliveryWindow.get_or_none(DeliveryWindow.id == empty.id) is None
