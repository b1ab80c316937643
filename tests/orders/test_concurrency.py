"""Races with real threads against the real database (SQLite or PostgreSQL).

Every worker gets its own peewee connection (connections are per thread), starts
at a Barrier so the calls really overlap, and closes its connection when done.
"""

from collections import Counter as Tally

import pytest

from models.catalog import stock
from models.db import db
from models.errors import OutOfStock, StaleOrder
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order, OrderEvent, OrderLine
from models.orders.placing import LineRequest, place_order
from tests.factories import cn_mobile, make_product, order_for, published_version, stock_of
from tests.helpers import race


@pytest.fixture
def version(app):
    return published_version()


def test_fifty_buyers_for_ten_units_make_exactly_ten_orders(app, version):
    product = make_product(10, price=1990)
    phones = [cn_mobile() for _ in range(5)]  # some buyers share a phone: same customer

    def buy(i):
        order, created = place_order(
            version=version,
            customer_name=f"Buyer {i % 5}",
            customer_phone=phones[i % 5],
            lines=[LineRequest(product, 1)],
            submission_key=f"race-{i}",
        )
        return order.id, created

    results = race(app, 50, buy)

    outcomes = Tally(outcome for outcome, _ in results)
    assert outcomes == {"ok": 10, "OutOfStock": 40}, [r for r in results if r[0] != "ok"][:3]
    assert all(
        error.details["short"] == {product.id: 0}
        for outcome, error in results
        if outcome == "OutOfStock"
    )
    winners = [value for outcome, value in results if outcome == "ok"]
    assert all(created for _, created in winners)
    assert sorted(order_id for order_id, _ in winners) == sorted(o.id for o in Order.select())
    assert Order.select().count() == 10
    assert len({o.number for o in Order.select()}) == 10
    assert OrderLine.select().where(OrderLine.product == product.id).count() == 10
    assert OrderEvent.select().where(OrderEvent.kind == "created").count() == 10
    row = stock_of(product)
    assert (row.on_hand, row.reserved) == (10, 10)


def test_a_form_submitted_ten_times_at_once_makes_one_order(app, version):
    product = make_product(10)
    phone = cn_mobile()

    def submit(_):
        order, created = place_order(
            version=version,
            customer_name="Double Tap",
            customer_phone=phone,
            lines=[LineRequest(product, 3)],
            submission_key="same-submission",
        )
        return order.id, created

    results = race(app, 10, submit)

    assert [outcome for outcome, _ in results] == ["ok"] * 10, results
    order_ids = {order_id for _, (order_id, _) in results}
    assert len(order_ids) == 1
    assert [created for _, (_, created) in results].count(True) == 1
    assert Order.select().count() == 1
    assert Order.get().id == order_ids.pop()
    assert (stock_of(product).on_hand, stock_of(product).reserved) == (10, 3)
    assert OrderEvent.select().count() == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [("cancelled", "cancelled"), ("confirmed", "cancelled"), ("confirmed", "confirmed")],
)
def test_two_people_moving_the_same_order_at_once_only_one_wins(app, version, staff, first, second):
    product = make_product(20)
    actor = Actor.of_user(staff)
    for _ in range(3):
        order = order_for(version, [(product, 2)])
        reserved_before = stock_of(product).reserved

        results = race(
            app,
            2,
            lambda i, order=order: (
                transition_order(order, (first, second)[i], actor, expected_version=1).status
            ),
        )

        outcomes = sorted(outcome for outcome, _ in results)
        assert outcomes == ["StaleOrder", "ok"], results
        assert all(isinstance(value, StaleOrder) for outcome, value in results if outcome != "ok")
        won = next(value for outcome, value in results if outcome == "ok")
        stored = Order.get_by_id(order.id)
        assert (stored.status, stored.version) == (won, 2)
        events = list(
            OrderEvent.select().where(OrderEvent.order == order.id, OrderEvent.kind == "status")
        )
        assert [(e.from_status, e.to_status) for e in events] == [("pending", won)]
        released = 2 if won == "cancelled" else 0
        assert stock_of(product).reserved == reserved_before - released


def test_the_last_unit_goes_to_exactly_one_of_many_carts(app, version):
    """Multi-line carts racing for one scarce item: losers reserve nothing at all."""
    scarce = make_product(1)
    plenty = make_product(100)

    def buy(i):
        return order_for(version, [(plenty, 2), (scarce, 1)], key=f"cart-{i}").id

    results = race(app, 12, buy)

    assert Tally(outcome for outcome, _ in results) == {"ok": 1, "OutOfStock": 11}
    assert (stock_of(scarce).on_hand, stock_of(scarce).reserved) == (1, 1)
    assert (stock_of(plenty).on_hand, stock_of(plenty).reserved) == (100, 2)
    assert Order.select().count() == 1
    assert OrderLine.select().count() == 2
    assert isinstance(next(e for o, e in results if o == "OutOfStock"), OutOfStock)


def test_racing_reservations_never_oversell_a_shelf(app):
    """stock.try_reserve on its own (no order counter serialising the callers)."""
    product = make_product(10)
    warehouse_id = stock_of(product).warehouse_id

    def reserve(_):
        with db.atomic():
            return stock.try_reserve(product.id, warehouse_id, 1)

    results = race(app, 30, reserve)

    assert Tally(results) == {("ok", True): 10, ("ok", False): 20}
    assert (stock_of(product).on_hand, stock_of(product).reserved) == (10, 10)
