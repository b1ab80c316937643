"""`flask bulk-orders N`: many orders, fast, that read like real ones everywhere."""

from datetime import timedelta

from peewee import fn

from models.base import utcnow
from models.board.filters import OrderFilter
from models.orders.order import Counter, Order, OrderEvent, OrderLine
from models.orders.status import STATUSES, OrderStatus
from tests.factories import make_product, make_template


def test_bulk_orders_are_consistent_and_spread_over_every_status(app, runner):
    assert runner.invoke(args=["demo", "--orders", "0", "--seed", "3"]).exit_code == 0
    demo = {order.id for order in Order.select()}  # the demo's group buy and deliveries
    result = runner.invoke(args=["bulk-orders", "400", "--seed", "5", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert "inserted 400 orders" in result.output

    orders = [order for order in Order.select() if order.id not in demo]
    assert len(orders) == 400
    # every status but shipped, which only the shipping page sets (docs/delivery.md)
    assert {o.status for o in orders} == set(STATUSES) - {OrderStatus.SHIPPED}
    assert {o.payment_status for o in orders} == {"unpaid", "paid", "refunded"}
    now = utcnow()
    assert all(now - timedelta(days=30, minutes=1) <= o.created_at <= now for o in orders)
    assert len({o.created_at.date() for o in orders}) >= 20
    assert max(o.number for o in orders) == Counter.get_by_id("order").value
    lines = dict(
        OrderLine.select(OrderLine.order, fn.SUM(OrderLine.unit_price * OrderLine.quantity))
        .group_by(OrderLine.order)
        .tuples()
    )
    for order in orders:
        assert (
            order.total
            == lines[order.id] + order.delivery_fee
            == order.subtotal + order.delivery_fee
        )
        events = list(order.events.order_by(OrderEvent.created_at, OrderEvent.id))
        assert events[0].kind == "created" and events[0].actor_kind == "customer"
        assert len(events) == order.version
        assert events[-1].created_at == order.updated_at
        steps = [e for e in events if e.kind == "status"]
        assert (steps[-1].to_status if steps else "pending") == order.status
        assert (order.assignee_id is None) == (not any(e.kind == "assigned" for e in events))
    held = OrderLine.select().where(
        OrderLine.warehouse.is_null(False), OrderLine.order.not_in(demo)
    )
    assert held.count() == 0  # no stock held

    someone = orders[0].customer
    found = OrderFilter(search=someone.phone[-4:]).query()
    assert orders[0].id in {o.id for o in found}


def test_bulk_orders_need_a_published_activity(app, runner):
    with app.app_context():
        make_template()
        make_product()
    result = runner.invoke(args=["bulk-orders", "10"])
    assert result.exit_code != 0
    assert "publish an activity" in result.output
