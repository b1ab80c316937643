"""The shop's own refunds of online payments, as the system, when a rule decides it rather than
a person: a group that did not form, a group price lowered at the deadline
(models/groupbuy/refunds.py plans sending them after the commit)."""

from models.db import db, locked
from models.orders.lifecycle import Actor
from models.orders.order import Order
from models.orders.payments import Payment, paid_so_far
from models.payments.refunds import (
    TO_PROVIDER,
    Refund,
    holding,
    provider_payment_left,
    request_unchecked,
)


def online_left(order: Order) -> int:
    """What of `order`'s online payments can still go back through their providers."""
    online = Payment.select().where(Payment.order == order.id, Payment.provider.is_null(False))
    return sum(provider_payment_left(payment) for payment in online)


def refund_online_payments(order: Order, amount: int, reason: str) -> list[Refund]:
    """The shop's own refund, as the system, of up to `amount` fen of what `order` was paid
    online, through the providers (a failed group, a group price lowered at the deadline):
    the newest online payment first, never more than was paid less earlier refunds. Call
    inside the change's transaction; each refund stays `requested` until sent (the caller
    plans that after the commit). Returns the refunds asked for (none: nothing online left)."""
    refunds = []
    with db.atomic():
        current = locked(Order.select().where(Order.id == order.id)).get()
        amount = min(amount, paid_so_far(current) - holding(current.id))
        online = (
            Payment.select()
            .where(Payment.order == current.id, Payment.provider.is_null(False))
            .order_by(Payment.created_at.desc(), Payment.id.desc())
        )
        for payment in list(online):
            part = min(amount, provider_payment_left(payment))
            if part <= 0:
                continue
            current = Order.get_by_id(current.id)
            refunds.append(
                request_unchecked(
                    current, Actor.system(), method=TO_PROVIDER, amount=part, reason=reason
                )
            )
            amount -= part
    return refunds
