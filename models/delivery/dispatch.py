"""What the rules engine reads about an order's delivery, and how couriers are given orders by
rule (models/automation/conditions/delivery.py, models/automation/actions/courier.py).

An order's delivery method:
    express  handed to a carrier (it has a shipment), or sent to an address with no zone
             (only a carrier takes it: a courier run takes orders delivered in a zone)
    own      delivered in a zone by the shop's couriers
    pickup   collected at a pickup point (or neither delivered nor shipped)

A courier's load on a day is their open stops (planned or out) on that day's runs; the day of an
order is its window's, or today without one (as `assign_to_courier` puts it on a run).
Assignments by rule and by staff run one at a time (runs.py `lock_runs`), so two orders assigned at once
never both read the same loads, nor make two runs for one courier and window.
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from peewee import fn

from models.base import utcnow
from models.delivery.booking import OrderDelivery
from models.delivery.runs import CourierRun, RunStop
from models.delivery.shipping import Shipment
from models.orders.order import Order
from models.shop_time import shop_day

PICKUP, OWN, EXPRESS = "pickup", "own", "express"
METHODS = {
    PICKUP: _l("Pickup"),
    OWN: _l("Own delivery (couriers)"),
    EXPRESS: _l("Express carrier"),
}


def delivery_methods(orders: list[Order]) -> dict[int, tuple[int | None, str]]:
    """{order id: (its zone id or None, its delivery method)} in two queries."""
    ids = [order.id for order in orders]
    if not ids:
        return {}
    zones = dict(
        OrderDelivery.select(OrderDelivery.order, OrderDelivery.zone)
        .where(OrderDelivery.order.in_(ids))
        .tuples()
    )
    shipped = {
        order_id
        for (order_id,) in Shipment.select(Shipment.order).where(Shipment.order.in_(ids)).tuples()
    }

    def method(order: Order) -> str:
        if order.id in shipped:
            return EXPRESS
        if order.id in zones:
            return OWN
        if order.pickup_point_id is None and order.address.strip():
            return EXPRESS
        return PICKUP

    return {order.id: (zones.get(order.id), method(order)) for order in orders}


def booking_of(order_id: int) -> OrderDelivery | None:
    return OrderDelivery.get_or_none(OrderDelivery.order == order_id)


def on_a_run(order_id: int) -> bool:
    return RunStop.select().where(RunStop.open_order == order_id).exists()


def delivery_day(booking: OrderDelivery) -> date:
    """The day whose run the order joins: its window's, or today."""
    return shop_day(booking.window.starts_at if booking.window_id else utcnow())


def open_stops(day: date) -> dict[int, int]:
    """{courier id: their open stops on the runs of `day`}."""
    return dict(
        RunStop.select(CourierRun.courier, fn.COUNT(RunStop.id))
        .join(CourierRun)
        .where(CourierRun.day == day, RunStop.open_order.is_null(False))
        .group_by(CourierRun.courier)
        .tuples()
    )
