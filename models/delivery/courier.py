"""What a courier does on the road: set off with a run (its orders are out for delivery), then
at each stop "delivered" (with an optional photo and the cash collected) or "failed" with a
reason, after which the order waits for staff to assign it again.

Each is one transaction with its timeline event, whose kind calls for its notice
(models/messaging/notifications.py): out_for_delivery, delivered, delivery_failed.
"""

from flask_babel import lazy_gettext as _l

from models.base import utcnow
from models.customers.customer import Customer
from models.db import db
from models.delivery.runs import (
    DELIVERED,
    FAILED,
    FAILURE_REASONS,
    OUT,
    PLANNED,
    CourierRun,
    RunStop,
    StopClosed,
    courier_actor,
    touch_orders,
)
from models.errors import DomainError
from models.orders.lifecycle import allowed_transitions, record_event, walk_order
from models.orders.order import Order, OrderLine
from models.orders.payments import outstanding, paid_on, record_payment
from models.orders.status import OrderStatus


class UnknownReason(DomainError):
    message = _l("Choose why the delivery failed.")


def start_run(run: CourierRun) -> int:
    """The courier sets off: every planned stop is out for delivery. Returns how many."""
    actor = courier_actor(run.courier)
    with db.atomic():
        CourierRun.update(started_at=utcnow()).where(
            CourierRun.id == run.id, CourierRun.started_at.is_null()
        ).execute()
        stops = list(RunStop.select().where(RunStop.run == run.id, RunStop.status == PLANNED))
        for stop in stops:
            RunStop.update(status=OUT).where(RunStop.id == stop.id).execute()
            record_event(Order.get_by_id(stop.order_id), actor, kind="out_for_delivery")
        touch_orders(s.order_id for s in stops)
    return len(stops)


def stops_to_work(run: CourierRun) -> list[RunStop]:
    """The run's stops in their order, each order with its customer and lines, and
    `stop.to_collect`: what the courier collects at the door (what the order still owes, in
    fen). Three queries however many stops (the courier's page and the printed run sheet)."""
    stops = list(
        RunStop.select(RunStop, Order, Customer, paid_on(Order.id).alias("paid"))
        .join(Order)
        .join(Customer)
        .where(RunStop.run == run.id)
        .order_by(RunStop.position, RunStop.id)
    )
    lines: dict[int, list[OrderLine]] = {}
    ordered = OrderLine.select().where(OrderLine.order.in_([stop.order_id for stop in stops]))
    for line in ordered.order_by(OrderLine.id):
        lines.setdefault(line.order_id, []).append(line)
    for stop in stops:
        stop.order.lines = lines.get(stop.order_id, [])
        stop.to_collect = outstanding(stop.order, int(stop.paid or 0))
    return stops


def deliver_stop(stop: RunStop, *, proof_image: str = "", cash: int = 0) -> None:
    """The order is at the customer: the stop is done, the order completed (walked through the
    statuses it still has to go), and `cash` fen collected recorded as a cash payment."""
    with db.atomic():
        _close(stop, DELIVERED, proof_image=proof_image, cash_collected=cash)
        order = Order.get_by_id(stop.order_id)
        actor = courier_actor(stop.run.courier)
        if cash:
            record_payment(order, cash, "cash", actor, None, note=str(_l("Collected on delivery")))
            order = Order.get_by_id(order.id)
        record_event(order, actor, kind="delivered")
        steps = _steps_to_completed(order, actor)
        if steps:
            walk_order(order, steps, actor)
        else:
            touch_orders([order.id])


def fail_stop(stop: RunStop, reason: str, note: str = "") -> None:
    """The delivery did not happen: the stop is closed with `reason` (a FAILURE_REASONS key) and
    the order is free for staff to put on another run."""
    if reason not in FAILURE_REASONS:
        raise UnknownReason()
    with db.atomic():
        _close(stop, FAILED, reason=reason, note=note[:200])
        order = Order.get_by_id(stop.order_id)
        record_event(order, courier_actor(stop.run.courier), kind="delivery_failed", note=reason)
        touch_orders([order.id])


def _close(stop: RunStop, status: str, **changes) -> None:
    closed = (
        RunStop.update(status=status, open_order=None, finished_at=utcnow(), **changes)
        .where(RunStop.id == stop.id, RunStop.open_order.is_null(False))
        .execute()
    )
    if closed != 1:
        raise StopClosed()


def _steps_to_completed(order: Order, actor) -> tuple[str, ...]:
    """The statuses from the order's to completed, if the lifecycle lets `actor` walk them."""
    path = (
        OrderStatus.CONFIRMED,
        OrderStatus.PROCESSING,
        OrderStatus.READY,
        OrderStatus.COMPLETED,
    )
    if order.status not in path[:-1] and order.status != OrderStatus.PENDING:
        return ()
    start = 0 if order.status == OrderStatus.PENDING else path.index(order.status) + 1
    steps = path[start:]
    if steps and steps[0] not in allowed_transitions(order, actor):
        return ()
    return steps
