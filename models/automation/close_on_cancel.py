"""Closing a cancelled order's open provider orders (docs/payments.md, "Paying online").

`plan_closing` (subscribed to `order_changed`) writes one outbox row, inside the cancelling
transaction, when an order with open provider orders is cancelled by the customer or staff; the
worker closes them at the providers (models/payments/online.py `close_open_checkouts`) in the
row's `prepare`, after the commit and outside any transaction, so no lock is held over the
network and a rolled-back cancellation closes nothing. A provider that does not answer fails the
row, retried later (closing again is harmless). A payment that comes anyway, before or after the
close, settles as flagged (the order is cancelled): staff refund it from the claims page.
"""

from models.messaging.outbox import Outbox, add_work
from models.orders.order import Order
from models.orders.status import OrderStatus
from models.payments.online import OPEN, OnlinePayment, close_open_checkouts

KIND = "close_checkouts"


class ProvidersNotDone(Exception):
    """A provider did not answer (or a payment was settled meanwhile): ask again later."""


def plan_closing(event, steps, from_status=None) -> None:
    if not any(s.kind == "status" and s.to_status == OrderStatus.CANCELLED for s in steps):
        return
    if (
        OnlinePayment.select()
        .where(OnlinePayment.order == event.order_id, OnlinePayment.status == OPEN)
        .exists()
    ):
        add_work(KIND, f"{KIND}:{event.order_id}:{event.id}", {"order": event.order_id})


def close_checkouts(item: Outbox) -> None:
    """The outbox kind's `prepare`: close them now; raise to be retried when not all closed."""
    order = Order.get_or_none(Order.id == item.payload["order"])
    if order is None or close_open_checkouts(order):
        return
    still_open = OnlinePayment.select().where(
        OnlinePayment.order == order.id, OnlinePayment.status == OPEN
    )
    if still_open.exists():
        raise ProvidersNotDone(f"order {order.id}: a provider order is still open")
