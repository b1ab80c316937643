"""What the customer's tracking page says: the order's timeline in the customer's words."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from peewee import fn

from models.activity import has_closed
from models.deliveries import InboxMessage
from models.errors import DomainError
from models.lifecycle import Actor, transition_order
from models.order import Order, OrderEvent
from models.order_editing import edit_order


class ChangeClosed(DomainError):
    message = _l("This order can no longer be changed online. Please contact the shop.")


STATUS_WORDS = {
    "confirmed": _l("The shop confirmed your order."),
    "processing": _l("The shop is preparing your order."),
    "ready": _l("Your order is ready."),
    "completed": _l("Order completed. Thank you!"),
}


@dataclass(frozen=True)
class Moment:
    at: datetime
    text: str
    status: str | None = None


def _words(event: OrderEvent) -> str | None:
    by_customer = event.actor_kind == "customer"
    if event.kind == "created":
        return _l("You placed the order.")
    if event.kind == "edited":
        return _l("You changed the order.") if by_customer else _l("The shop changed your order.")
    if event.kind == "status" and event.to_status == "cancelled":
        return (
            _l("You cancelled the order.") if by_customer else _l("The shop cancelled the order.")
        )
    if event.kind == "status":
        return STATUS_WORDS.get(event.to_status)
    if event.kind == "payment":
        return (
            _l("The shop received your payment.")
            if event.to_status == "paid"
            else _l("The shop received part of your payment.")
        )
    if event.kind == "refunded":
        return _l("The shop refunded your payment.")
    if event.kind == "payment_removed":  # the reason stays with the shop
        return _l("The shop corrected its record of your payments.")
    return None  # assignments and staff notes are the shop's own business


def customer_timeline(order: Order) -> list[Moment]:
    """Newest first; only what concerns the customer."""
    events = order.events.order_by(OrderEvent.created_at.desc(), OrderEvent.id.desc())
    moments = []
    for event in events:
        text = _words(event)
        if text is not None:
            moments.append(Moment(event.created_at, str(text), event.to_status))
    return moments


def poll_stamp(token: str) -> str | None:
    """What the tracking page shows changes with it: the order's change number (every write of
    the order raises it, models/changes.py) and the number of shop messages. One statement on
    the unique token index (None: no such order)."""
    messages = InboxMessage.select(fn.COUNT(InboxMessage.id)).where(
        InboxMessage.order == Order.id, InboxMessage.user.is_null()
    )
    row = (
        Order.select(Order.change_seq, messages.alias("messages"))
        .where(Order.tracking_token == token)
        .tuples()
        .first()
    )
    return _stamp(*row) if row else None


def stamp_of(order: Order, messages: list[InboxMessage]) -> str:
    """The poll stamp of a page showing `order` as loaded and its shop `messages`."""
    return _stamp(order.change_seq, len(messages))


def _stamp(change_seq: int, messages: int) -> str:
    return f"{change_seq}.{messages}"


def customer_may_change(order: Order) -> bool:
    """Customers change or cancel only pending orders of an activity that has not closed (a
    full or sold-out activity still lets them give back what they took)."""
    return order.status == "pending" and not has_closed(order.template)


def cancel_by_customer(order: Order, expected_version: int | None) -> Order:
    """Cancel as the customer (stock and places are given back); StaleOrder if it changed."""
    if not customer_may_change(order):
        raise ChangeClosed()
    return transition_order(
        order, "cancelled", Actor.of_customer(order.customer), expected_version=expected_version
    )


def change_by_customer(order: Order, expected_version: int, quantities: dict[int, int]) -> Order:
    """Set the order's quantities as the customer; stock moves by the difference in the same
    transaction. Raises ChangeClosed, StaleOrder, OutOfStock or EmptyOrder (see edit_order)."""
    if not customer_may_change(order):
        raise ChangeClosed()
    return edit_order(
        order,
        actor=Actor.of_customer(order.customer),
        expected_version=expected_version,
        quantities=quantities,
    )
