"""Migration 0048: orders at a pickup point placed before it get their pickup code, on SQLite
and PostgreSQL; an order delivered to an address gets none."""

from models.activities.pickup import PickupPoint
from models.orders.order import Order
from models.pickup.codes import ALPHABET, PickupCode
from models.schema import upgrade
from tests.house.test_migrations import empty_database, write_rows_at_0001  # noqa: F401


def test_pickup_orders_placed_before_0048_get_their_codes(empty_database):  # noqa: F811
    upgrade(target="0001_initial")
    ids = write_rows_at_0001()
    upgrade(target="0047_customer_rollup")  # the one before
    point = PickupPoint.create(name="North gate", address="1 North Rd")
    Order.update(pickup_point=point.id).where(Order.id == ids["order"]).execute()

    assert upgrade(target="0048_staff_entries_and_pickup_codes") == [
        "0048_staff_entries_and_pickup_codes"
    ]

    (code,) = PickupCode.select()
    assert code.order_id == ids["order"] and len(code.code) == 6 and set(code.code) <= set(ALPHABET)
