"""The sales rollups equal a full recount by direct SQL after any sequence of order changes."""

from collections import Counter
from contextlib import suppress
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.catalog.products import Product
from models.errors import DomainError
from models.messaging import outbox
from models.messaging.outbox import Outbox
from models.orders.editing import edit_order
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order
from models.orders.payments import record_payment, refund_order
from models.orders.status import OrderStatus
from models.reports.recount import KIND, rebuild
from models.reports.rollups import CustomerDay, SalesDay, SalesHour
from tasks.notifications import WORK
from tests.factories import order_for
from tests.reports.oracle import customer_recount, recount
from tests.reports.test_customer_spans import recount as customer_orders
from tests.reports.test_customer_spans import rolled_up_spans, span_recount

SHOP = ZoneInfo("Asia/Shanghai")
STEP = st.integers(min_value=0, max_value=50)  # minutes the clock moves before an operation
PLACE = st.tuples(st.just("place"), STEP, st.integers(0, 2), st.integers(1, 3), st.integers(1, 3))
operations = st.lists(
    st.one_of(
        PLACE,
        PLACE,
        st.tuples(st.just("cancel"), STEP, st.integers(0, 20)),
        st.tuples(st.just("edit"), STEP, st.integers(0, 20), st.integers(0, 4)),
        st.tuples(st.just("pay"), STEP, st.integers(0, 20), st.sampled_from(["cash", "wechat"])),
        st.tuples(st.just("refund"), STEP, st.integers(0, 20)),
        st.tuples(st.just("outbox"), STEP),
        st.tuples(st.just("cost"), STEP, st.integers(0, 400)),  # pears' cost price; 0: none
    ),
    min_size=3,
    max_size=16,
)


def run_sales_outbox() -> None:
    """What the worker does with every sales row that is due now."""
    due = Outbox.select(Outbox.id).where(Outbox.kind == KIND, Outbox.status == Outbox.OPEN)
    for row in due:
        outbox.run(row.id, "test", WORK)


def rolled_up(activity: int) -> tuple[Counter, Counter]:
    hours, products = Counter(), Counter()
    for row in SalesHour.select().where(SalesHour.activity == activity):
        where = (row.day, row.hour, row.pickup_point, row.method, row.source)
        for figure in ("orders", "revenue", "refunds"):
            hours[(*where, figure)] += getattr(row, figure)
    for row in SalesDay.select().where(SalesDay.activity == activity):
        where = (row.day, row.pickup_point, row.method, row.source, row.product, row.name)
        for figure in ("orders", "units", "revenue", "refunds", "cost", "costed_revenue"):
            products[(*where, figure)] += getattr(row, figure)
    return +hours, +products


def customers_rolled_up(activity: int) -> Counter:
    found = Counter()
    for row in CustomerDay.select().where(CustomerDay.activity == activity):
        found[(row.day, row.customer, "orders")] += row.orders
        found[(row.day, row.customer, "revenue")] += row.revenue
    return +found


def apply(operation, shop, orders, admin) -> None:
    name, *args = operation
    actor = Actor.of_user(admin)
    fresh = [Order.get_by_id(order.id) for order in orders]
    pick = fresh[args[0] % len(fresh)] if fresh and name != "place" else None
    if name == "place":
        point, apples, pears = args
        orders.append(
            order_for(
                shop["version"],
                [(shop["apples"], apples), (shop["pears"], pears)],
                pickup_point=[None, shop["north"], shop["south"]][point],
                delivery_fee=500 if point == 0 else 0,
            )
        )
    elif name == "cost":  # lines sold before keep the cost they were sold at
        Product.update(cost_price=args[0] or None).where(Product.id == shop["pears"].id).execute()
    elif pick is None:
        return
    elif name == "cancel":
        transition_order(pick, OrderStatus.CANCELLED, actor)
    elif name == "edit":
        edit_order(
            pick, actor=actor, expected_version=pick.version, quantities={shop["pears"].id: args[1]}
        )
    elif name == "pay":
        record_payment(pick, None, args[1], actor, pick.version)
    elif name == "refund":
        refund_order(pick, actor, pick.version)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    start=st.integers(min_value=-120, max_value=30),
    steps=operations,
)
def test_the_rollups_equal_a_full_recount_after_any_changes(
    app_context, make_shop, admin, start, steps
):
    # start: minutes before the shop's midnight, so that orders fall on both sides of it
    midnight = datetime(2026, 3, 7, tzinfo=SHOP)
    clock = midnight + timedelta(minutes=start)
    with time_machine.travel(clock, tick=False) as traveller:
        shop = make_shop(
            products={
                "apples": {"on_hand": 500, "price": 1250, "name": "Apples", "cost_price": 800},
                "pears": {"on_hand": 500, "price": 300, "name": "Pears"},
            },
            points={"north": {"name": "North"}, "south": {"name": "South"}},
        )
        orders = []
        for operation in steps:
            clock += timedelta(minutes=operation[1])
            traveller.move_to(clock)
            if operation[0] == "outbox":
                run_sales_outbox()
                continue
            # not allowed now (a cancelled order paid, nothing to refund…): no change
            with suppress(DomainError):
                apply((operation[0], *operation[2:]), shop, orders, admin)
        traveller.move_to(clock + timedelta(minutes=3))  # every row is due
        run_sales_outbox()
        activity = shop["version"].template_id
        assert rolled_up(activity) == recount(activity, SHOP)
        assert customers_rolled_up(activity) == customer_recount(activity, SHOP)
        assert rolled_up_spans() == span_recount(customer_orders())  # CustomerSpan, CustomerMonth


def test_a_rebuild_counts_every_bucket_again(app_context, shop, admin):
    order = order_for(shop["version"], [(shop["apples"], 2)])
    SalesHour.delete().execute()
    assert rebuild() >= 1
    activity = shop["version"].template_id
    assert rolled_up(activity) == recount(activity, SHOP)
    assert order.total == sum(row.revenue for row in SalesHour.select())


def test_an_order_change_writes_one_outbox_row_per_activity_day_and_minute(
    app_context, shop, admin
):
    actor = Actor.of_user(admin)
    with time_machine.travel(datetime(2026, 3, 7, 4, 0, 10, tzinfo=UTC), tick=False):
        order = order_for(shop["version"], [(shop["apples"], 2)])
        record_payment(order, None, "cash", actor, order.version)
        rows = list(Outbox.select().where(Outbox.kind == KIND))
    assert len(rows) == 1
    assert rows[0].payload == {"day": "2026-03-07", "activity": shop["version"].template_id}
    assert rows[0].available_at == datetime(2026, 3, 7, 4, 2)  # due after its minute has settled


def test_a_duplicate_or_a_retried_recount_counts_the_same(app_context, shop, admin):
    with time_machine.travel(datetime(2026, 3, 7, 4, 0, 10, tzinfo=UTC), tick=False) as clock:
        order = order_for(shop["version"], [(shop["apples"], 2)])
        clock.move_to(datetime(2026, 3, 7, 4, 1, 10, tzinfo=UTC))
        record_payment(order, None, "cash", Actor.of_user(admin), order.version)
        assert Outbox.select().where(Outbox.kind == KIND).count() == 2  # two minutes, one bucket
        clock.move_to(datetime(2026, 3, 7, 4, 5, tzinfo=UTC))
        run_sales_outbox()
        once = rolled_up(shop["version"].template_id)
        # the rows done again, as a retry or a second worker would
        Outbox.update(status=Outbox.OPEN).where(Outbox.kind == KIND).execute()
        run_sales_outbox()
    assert (
        rolled_up(shop["version"].template_id) == once == recount(shop["version"].template_id, SHOP)
    )
    assert SalesHour.select().count() == 1


def test_after_the_shop_moves_its_day_boundaries_a_rebuild_counts_in_the_new_days(
    app_context, shop
):
    with time_machine.travel(datetime(2026, 3, 6, 17, 30, tzinfo=UTC), tick=False):
        order_for(shop["version"], [(shop["apples"], 1)])  # 01:30 on the 7th in Shanghai
    rebuild()
    activity = shop["version"].template_id
    assert {row.day for row in SalesHour.select()} == {date(2026, 3, 7)}
    app_context.config["SHOP_TIMEZONE"] = "UTC"
    rebuild()
    assert {row.day for row in SalesHour.select()} == {date(2026, 3, 6)}
    assert rolled_up(activity) == recount(activity, ZoneInfo("UTC"))
