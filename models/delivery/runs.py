"""Courier runs: a courier's orders for one day (and window), in the order they are brought.

Staff assign a delivered order to a courier; it joins the courier's run for the order's window
(its day, without one) as the last stop. Staff move stops up and down. An order is on at most
one run at a time: `RunStop.open_order` is the order's id while the stop is open and unique, so
two staff assigning the same order at once make one stop; a failed stop frees it (NULL) and the
order waits for staff to assign it again.

A courier acts as staff in an order's timeline (`courier_actor`); the courier's pages only ever
show the courier's own runs.
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from peewee import (
    JOIN,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    IntegrityError,
    fn,
)

from models.accounts.user import User
from models.base import BaseModel, utcnow
from models.db import db, is_postgres
from models.delivery.booking import OrderDelivery
from models.delivery.windows import DeliveryWindow
from models.delivery.zones import DeliveryZone
from models.errors import DomainError
from models.orders.lifecycle import Actor, record_event
from models.orders.order import Order
from models.orders.status import OPEN_STATUSES
from models.shop_time import shop_day, shop_today

PLANNED, OUT, DELIVERED, FAILED = "planned", "out", "delivered", "failed"
STOP_LABELS = {
    PLANNED: _l("Planned"),
    OUT: _l("Out for delivery"),
    DELIVERED: _l("Delivered"),
    FAILED: _l("Failed"),
}
FAILURE_REASONS = {
    "not_home": _l("Nobody at home"),
    "wrong_address": _l("Wrong address"),
    "refused": _l("Refused"),
    "other": _l("Other"),
}


class AlreadyOnARun(DomainError):
    message = _l("This order is already on a run.")


class NotACourier(DomainError):
    message = _l("Choose one of the couriers.")


class NotDeliverable(DomainError):
    message = _l("Only open orders delivered in a zone go on a run.")


class StopClosed(DomainError):
    message = _l("This stop is done already.")


class CourierRun(BaseModel):
    courier = ForeignKeyField(User, backref="runs")
    day = DateField(index=True)  # the shop's calendar day
    window = ForeignKeyField(DeliveryWindow, null=True, backref="runs")
    started_at = DateTimeField(null=True)  # out for delivery
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("courier", "day"), False),)


class RunStop(BaseModel):
    run = ForeignKeyField(CourierRun, backref="stops", on_delete="CASCADE")
    order = ForeignKeyField(Order, backref="run_stops", on_delete="CASCADE")
    open_order = IntegerField(null=True, unique=True)  # the order's id while the stop is open
    position = IntegerField()
    status = CharField(default=PLANNED)
    reason = CharField(default="")  # why it failed: a FAILURE_REASONS key
    note = CharField(default="")
    proof_image = CharField(default="")  # models/uploads.py name
    cash_collected = IntegerField(default=0)  # fen
    finished_at = DateTimeField(null=True)


def couriers() -> list[User]:
    query = User.select().where(User.role == "courier", User.active == True)  # noqa: E712
    return list(query.order_by(User.name))


def courier_actor(user: User) -> Actor:
    return Actor(kind="staff", user=user, label=user.name)


def waiting_orders() -> list[OrderDelivery]:
    """Open orders delivered in a zone and on no run: for staff to assign, soonest window first,
    each with its order, zone and window (one query)."""
    on_runs = RunStop.select(RunStop.open_order).where(RunStop.open_order.is_null(False))
    return list(
        OrderDelivery.select(OrderDelivery, Order, DeliveryZone, DeliveryWindow)
        .join(Order)
        .switch(OrderDelivery)
        .join(DeliveryZone)
        .switch(OrderDelivery)
        .join(DeliveryWindow, JOIN.LEFT_OUTER)
        .where(Order.status.in_(OPEN_STATUSES), Order.id.not_in(on_runs))
        .order_by(DeliveryWindow.starts_at.asc(nulls="LAST"), Order.number)
    )


def assign_to_courier(
    order: Order, courier: User, actor: Actor, day: date | None = None
) -> RunStop:
    """Put `order` last on `courier`'s run for its window (or for `day`, default today, without
    one). Raises NotACourier, NotDeliverable and AlreadyOnARun."""
    if courier.role != "courier" or not courier.active:
        raise NotACourier()
    booking = OrderDelivery.get_or_none(OrderDelivery.order == order.id)
    if booking is None or order.status not in OPEN_STATUSES:
        raise NotDeliverable()
    window = booking.window
    day = shop_day(window.starts_at) if window else (day or shop_today())
    try:
        with db.atomic():
            lock_runs()
            if RunStop.select().where(RunStop.open_order == order.id).exists():
                raise AlreadyOnARun()
            run = _run_for(courier, day, window)
            last = RunStop.select(fn.MAX(RunStop.position)).where(RunStop.run == run.id).scalar()
            stop = RunStop.create(
                run=run, order=order, open_order=order.id, position=(last or 0) + 1
            )
            record_event(order, actor, kind="delivery_assigned", note=courier.name)
            touch_orders([order.id])
    except IntegrityError as error:
        raise AlreadyOnARun() from error
    return stop


def lock_runs() -> None:
    """Courier runs change one assignment at a time, until the transaction ends: two orders
    assigned at once never make two runs for one courier and window, nor read the same loads
    (models/delivery/dispatch.py). PostgreSQL: a transaction's advisory lock; SQLite's write
    transactions (BEGIN IMMEDIATE) already run one at a time."""
    if is_postgres():
        db.execute_sql("SELECT pg_advisory_xact_lock(hashtext('jielong courier runs'))")


def _run_for(courier: User, day: date, window: DeliveryWindow | None) -> CourierRun:
    query = CourierRun.select().where(CourierRun.courier == courier.id, CourierRun.day == day)
    query = query.where(CourierRun.window == window.id if window else CourierRun.window.is_null())
    return query.first() or CourierRun.create(courier=courier, day=day, window=window)


def touch_orders(order_ids) -> None:
    """Write the orders' rows, so the pages that follow them (the tracking page's poll, the
    board) see a change made only to delivery rows (models/orders/changes.py)."""
    Order.update(updated_at=utcnow()).where(Order.id.in_(list(order_ids))).execute()


def stops_of(run: CourierRun) -> list[RunStop]:
    """The run's stops in their order, with their orders."""
    return list(
        RunStop.select(RunStop, Order)
        .join(Order)
        .where(RunStop.run == run.id)
        .order_by(RunStop.position, RunStop.id)
    )


def move_stop(stop: RunStop, up: bool) -> None:
    """Swap `stop` with the stop before it (`up`) or after it; nothing at either end."""
    with db.atomic():
        stops = stops_of(stop.run)
        at = next(i for i, s in enumerate(stops) if s.id == stop.id)
        other = at - 1 if up else at + 1
        if not 0 <= other < len(stops):
            return
        stops[at], stops[other] = stops[other], stops[at]
        for position, each in enumerate(stops, start=1):
            RunStop.update(position=position).where(RunStop.id == each.id).execute()
        touch_orders(s.order_id for s in stops)  # each customer's "stop n of m"


def runs_of_day(day: date, courier: User | None = None) -> list[CourierRun]:
    query = CourierRun.select().where(CourierRun.day == day)
    if courier is not None:
        query = query.where(CourierRun.courier == courier.id)
    return list(query.order_by(CourierRun.courier, CourierRun.id))
