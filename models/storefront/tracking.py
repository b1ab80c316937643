"""What a customer sees of their orders: /my (every order of a proven phone), and what the
tracking page says (the order's timeline in the customer's words), and
what the customer may do there: change quantities or cancel while the order is pending.

A customer's change is checked against what they saw, not against the order's version: the
shop's own bookkeeping (a rule assigning the order a second after it was placed, a tag, a
reminder, a note) changes the version but nothing the customer sees, so it must not turn
their change down. The page carries `customer_view(order)`, a digest of what it shows that a
change depends on (status, payment, lines, total); a change is refused as stale only when
that differs on the stored order.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from peewee import JOIN, fn

from i18n import format_money
from models.activities.activity import has_closed
from models.activities.pickup import PickupPoint
from models.activities.template import FormTemplateVersion
from models.customers.customer import Customer
from models.db import db, locked
from models.errors import DomainError, StaleOrder
from models.messaging.deliveries import InboxMessage
from models.orders.editing import edit_order
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order, OrderEvent, OrderLine
from models.orders.payments import payment_words
from models.orders.status import OrderStatus, PaymentStatus


class ChangeClosed(DomainError):
    message = _l("This order can no longer be changed online. Please contact the shop.")


class ChangedByShop(StaleOrder):
    message = _l(
        "The shop changed this order a moment ago; it is shown as it is now. "
        "Check it and make your change again."
    )


STATUS_WORDS = {
    OrderStatus.CONFIRMED: _l("The shop confirmed your order."),
    OrderStatus.PROCESSING: _l("The shop is preparing your order."),
    OrderStatus.READY: _l("Your order is ready."),
    OrderStatus.COMPLETED: _l("Order completed. Thank you!"),
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
    if event.kind == "status" and event.to_status == OrderStatus.CANCELLED:
        return (
            _l("You cancelled the order.") if by_customer else _l("The shop cancelled the order.")
        )
    if event.kind == "status":
        return STATUS_WORDS.get(event.to_status)
    if event.kind == "payment":
        return (
            _l("The shop received your payment.")
            if event.to_status == PaymentStatus.PAID
            else _l("The shop received part of your payment.")
        )
    if event.kind == "refunded":
        amount = payment_words(event)["amount"]
        if amount and event.to_status == PaymentStatus.PARTLY_REFUNDED:
            return _l("The shop refunded %(amount)s to you.", amount=format_money(amount))
        return _l("The shop refunded your payment.")
    if event.kind == "payment_claimed":
        return _l("You said you paid; the shop is checking.")
    if event.kind == "claim_rejected":
        return _l("The shop could not confirm your payment: %(reason)s", reason=event.note)
    if event.kind == "payment_flagged":
        return _l("The shop will contact you about your online payment.")
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
    the order raises it, models/orders/changes.py) and the number of shop messages. One statement on
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
    return order.status == OrderStatus.PENDING and not has_closed(order.template)


def customer_view(order: Order) -> str:
    """A digest of what the tracking page shows that a customer's change depends on: the
    status, the payment, the lines and the totals (not who handles the order, its tags or
    its notes)."""
    lines = sorted(
        OrderLine.select(OrderLine.product, OrderLine.quantity, OrderLine.unit_price)
        .where(OrderLine.order == order.id)
        .tuples()
    )
    seen = [order.status, order.payment_status, order.total, order.delivery_fee, lines]
    return hashlib.sha256(json.dumps(seen, default=str).encode()).hexdigest()[:16]


def _as_seen(order: Order, expected_version: int | None, seen: str | None) -> Order:
    """The order as stored, locked for the customer's change, if the customer may still
    change it and it still looks as it did on their page (at `expected_version`, or with
    `seen` as its customer_view). Call inside a transaction."""
    current = locked(Order.select().where(Order.id == order.id)).get()
    if not customer_may_change(current):
        raise ChangeClosed()
    if current.version != expected_version and (not seen or seen != customer_view(current)):
        raise ChangedByShop()
    return current


def cancel_by_customer(order: Order, expected_version: int | None, seen: str | None = None):
    """Cancel as the customer (stock and places are given back). Raises ChangeClosed, or
    ChangedByShop when the order no longer looks as the customer saw it."""
    with db.atomic():
        current = _as_seen(order, expected_version, seen)
        return transition_order(current, OrderStatus.CANCELLED, Actor.of_customer(current.customer))


def change_by_customer(
    order: Order, expected_version: int | None, quantities: dict[int, int], seen: str | None = None
) -> Order:
    """Set the order's quantities as the customer; stock moves by the difference in the same
    transaction. Raises ChangeClosed, ChangedByShop, OutOfStock or EmptyOrder (see
    edit_order)."""
    with db.atomic():
        current = _as_seen(order, expected_version, seen)
        return edit_order(
            current,
            actor=Actor.of_customer(current.customer),
            expected_version=current.version,
            quantities=quantities,
        )


def orders_of_phone(phone: str):
    """Every order placed with this E.164 phone, newest first, with its activity's title and
    its pickup point."""
    return (
        Order.select(Order, FormTemplateVersion, PickupPoint)
        .join(Customer)
        .switch(Order)
        .join(FormTemplateVersion)
        .switch(Order)
        .join(PickupPoint, JOIN.LEFT_OUTER)
        .where(Customer.phone == phone)
        .order_by(Order.created_at.desc(), Order.id.desc())
    )
