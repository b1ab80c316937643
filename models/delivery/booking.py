"""An order's delivery: the zone it is delivered in and the window it holds a place in.

Placed with the order, in its transaction (models/delivery/checkout.py); a cancelled order
gives its window's place back (`release_on_cancel`, subscribed to `order_changed`).
"""

from peewee import ForeignKeyField

from models.base import BaseModel
from models.delivery import windows
from models.delivery.windows import DeliveryWindow
from models.delivery.zones import DeliveryZone
from models.orders.order import Order
from models.orders.status import OrderStatus


class OrderDelivery(BaseModel):
    order = ForeignKeyField(Order, unique=True, backref="delivery_rows", on_delete="CASCADE")
    zone = ForeignKeyField(DeliveryZone, backref="bookings")
    window = ForeignKeyField(DeliveryWindow, null=True, backref="bookings")


def delivery_of(order: Order) -> OrderDelivery | None:
    return OrderDelivery.get_or_none(OrderDelivery.order == order.id)


def release_on_cancel(event, steps, from_status=None) -> None:
    """Subscribed to `order_changed` (models/subscriptions.py): a cancelled order's window place
    is free again, in the cancelling transaction."""
    if not any(s.kind == "status" and s.to_status == OrderStatus.CANCELLED for s in steps):
        return
    booking = OrderDelivery.get_or_none(OrderDelivery.order == event.order_id)
    if booking and booking.window_id:
        windows.give_back(booking.window_id)
        OrderDelivery.update(window=None).where(OrderDelivery.id == booking.id).execute()
