"""Each customer's stored tier equals a direct recount of their completed orders after any
sequence of order changes (placed, completed, cancelled, paid, refunded in whole or in part),
as the sales recount keeps it; and after the window moves on, as the nightly run keeps it."""

from contextlib import suppress
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.customers.customer import Customer
from models.customers.tier import CustomerTier
from models.errors import DomainError
from models.messaging import outbox
from models.messaging.outbox import Outbox
from models.orders.lifecycle import Actor, transition_order, walk_order
from models.orders.order import Order
from models.orders.payments import record_payment, refund_order
from models.orders.status import OrderStatus
from models.payments.refunds import request_refund
from models.shop_time import shop_today
from models.tiers.admin import TierDetails, delete_tier, save_tier
from models.tiers.assign import reassign_all
from tasks.notifications import WORK
from tests.factories import cn_mobile, order_for
from tests.tiers.oracle import expected_tiers

SHOP = ZoneInfo("Asia/Shanghai")
PATH = ("confirmed", "processing", "ready", "completed")
STEP = st.integers(min_value=0, max_value=50)  # minutes the clock moves before an operation
PLACE = st.tuples(st.just("place"), STEP, st.integers(0, 2), st.integers(1, 4))
COMPLETE = st.tuples(st.just("complete"), STEP, st.integers(0, 20))
operations = st.lists(
    st.one_of(
        PLACE,
        PLACE,
        COMPLETE,
        COMPLETE,
        st.tuples(st.just("cancel"), STEP, st.integers(0, 20)),
        st.tuples(st.just("pay"), STEP, st.integers(0, 20)),
        st.tuples(st.just("refund"), STEP, st.integers(0, 20)),
        st.tuples(st.just("refund_part"), STEP, st.integers(0, 20), st.integers(1, 3000)),
        st.tuples(st.just("outbox"), STEP),
    ),
    min_size=3,
    max_size=18,
)


def run_outbox() -> None:
    """What the worker does with every row due now (sales recounts, tier reassignments…)."""
    due = Outbox.select(Outbox.id).where(Outbox.status == Outbox.OPEN)
    for row in due:
        outbox.run(row.id, "test", WORK)


def define_tiers() -> None:
    """Three tiers, in place of any an earlier example left (the database outlives it)."""
    for tier in CustomerTier.select():
        delete_tier(tier)
    save_tier(None, TierDetails("普通", rank=0))
    save_tier(None, TierDetails("银卡", rank=1, min_spend=3000, min_orders=2, need="any", days=30))
    save_tier(None, TierDetails("金卡", rank=2, min_spend=6000, min_orders=3, days=7))


def apply(operation, shop, orders, phones, actor) -> None:
    name, *args = operation
    fresh = [Order.get_by_id(order.id) for order in orders]
    pick = fresh[args[0] % len(fresh)] if fresh and name != "place" else None
    if name == "place":
        who, apples = args
        orders.append(order_for(shop["version"], [(shop["apples"], apples)], phone=phones[who]))
    elif pick is None:
        return
    elif name == "complete":
        done = PATH.index(pick.status) + 1 if pick.status in PATH else len(PATH)
        walk_order(pick, PATH[done:], actor)
    elif name == "cancel":
        transition_order(pick, OrderStatus.CANCELLED, actor)
    elif name == "pay":
        record_payment(pick, None, "cash", actor, pick.version)
    elif name == "refund":
        refund_order(pick, actor, pick.version)
    elif name == "refund_part":
        request_refund(pick, actor, method="cash", amount=args[1], expected_version=pick.version)


def stored_tiers() -> dict[int, int | None]:
    return dict(Customer.select(Customer.id, Customer.tier).tuples())


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(start=st.integers(min_value=-120, max_value=30), steps=operations)
def test_the_stored_tier_equals_a_direct_recount_after_any_changes(
    app_context, make_shop, admin, start, steps
):
    midnight = datetime(2026, 3, 7, tzinfo=SHOP)
    clock = midnight + timedelta(minutes=start)
    actor = Actor.of_user(admin)
    phones = [cn_mobile() for _ in range(3)]
    with time_machine.travel(clock - timedelta(days=10), tick=False) as traveller:
        shop = make_shop(products={"apples": {"on_hand": 900, "price": 1250, "name": "Apples"}})
        define_tiers()
        # ten days before: a completed order of the first customer, in the 30-day window only
        older = order_for(shop["version"], [(shop["apples"], 2)], phone=phones[0])
        walk_order(older, PATH, actor)
        traveller.move_to(clock - timedelta(days=10) + timedelta(minutes=3))
        run_outbox()
        orders = [older]
        traveller.move_to(clock)
        for operation in steps:
            clock += timedelta(minutes=operation[1])
            traveller.move_to(clock)
            if operation[0] == "outbox":
                run_outbox()
                continue
            with suppress(DomainError):  # not allowed now: no change
                apply((operation[0], *operation[2:]), shop, orders, phones, actor)
        traveller.move_to(clock + timedelta(minutes=3))  # every row is due
        run_outbox()
        assert stored_tiers() == expected_tiers(list(stored_tiers()), shop_today(), SHOP)

        traveller.move_to(clock + timedelta(days=8))  # out of the 7-day window: nightly
        reassign_all(batch=2)
        assert stored_tiers() == expected_tiers(list(stored_tiers()), shop_today(), SHOP)
