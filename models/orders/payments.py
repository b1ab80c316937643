"""Payments an order received, and refunds.

`record_payment` adds one payment in one transaction with the order's version bump and a
"payment" timeline event; the event plans the `payment_recorded` rules (models/automation/rules.py) like
any order change. `payment_status` is the one rule that derives an order's payment status from
its total, payments and refunds (models/payments/refunds.py): paid once its payments cover its
total; a part payment leaves it partly paid (or claimed, while a customer's claim of payment is
open: models/payments/claims.py), with the rest outstanding; refunded or partly refunded once
money went back. A free order (total 0) has nothing to pay: it is placed paid
(`status_when_placed`) and edits keep that true (`follow_total`). `refund_order` marks an
order's payments refunded without a refund row (orders marked paid without recorded payments). `remove_payment` takes back a payment recorded by mistake (wrong order, wrong
amount), with a reason: the order is paid or unpaid again by the payments left, and nothing
fires the `payment_recorded` rules. Only an admin or whoever recorded the payment may remove
it (`may_remove_payment`), and not once the order is refunded.

A "payment" event's note is "<amount in fen> <method>", a "refunded" event's note the amount
refunded in fen ("" when the order was paid without recorded payments), a "payment_removed"
event's note "<amount in fen> <method> <reason>" (the reason is free text, spaces and all, after
the second space; `payment_words` reads all three); `from_status` and `to_status` hold the
payment status before and after.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from peewee import (
    JOIN,
    CharField,
    Check,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Select,
    TextField,
    fn,
)

from i18n import format_money
from models.accounts.user import User
from models.base import BaseModel, utcnow
from models.db import db, locked
from models.errors import DomainError, StaleOrder
from models.orders.lifecycle import STAFF, Actor, bump_version, record_event
from models.orders.order import Order
from models.orders.status import OWING, PAYABLE, OrderStatus, PaymentStatus
from models.params import whole_number

METHODS = {
    "cash": _l("Cash"),
    "wechat": _l("WeChat Pay"),
    "alipay": _l("Alipay"),
    "bank_transfer": _l("Bank transfer"),
    "other": _l("Other"),
}
MAX_NOTE_LENGTH = 200
REFUNDED_STATUSES = (PaymentStatus.PARTLY_REFUNDED, PaymentStatus.REFUNDED)


class Payment(BaseModel):
    order = ForeignKeyField(Order, backref="payments", on_delete="CASCADE")
    amount = IntegerField(constraints=[Check("amount > 0")])  # fen
    method = CharField(max_length=16)  # METHODS
    note = TextField(default="")
    recorded_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    # Through an online provider: its name ("wechat", "alipay") and its transaction id; a
    # refund of this payment goes back through that provider (models/payments/refunds.py).
    provider = CharField(max_length=16, null=True)
    provider_txn_id = CharField(max_length=64, null=True)
    provider_trade_no = CharField(max_length=64, null=True)  # our out_trade_no there

    class Meta:
        indexes = ((("order", "created_at"), False),)


class InvalidAmount(DomainError):
    message = _l("Enter an amount greater than 0.")


class NotPayable(DomainError):
    message = _l("This order takes no payment now.")


class NothingToRefund(DomainError):
    message = _l("This order has no payment to refund.")


class PaymentNotRemovable(DomainError):
    message = _l("This payment can no longer be removed.")


class InvalidReason(DomainError):
    message = _l("Say why the payment is removed.")


@dataclass(frozen=True)
class PaymentSummary:
    payments: list[Payment]  # newest first, with who recorded them
    paid: int  # fen, all payments together
    outstanding: int  # fen still to pay; 0 once paid, refunded or cancelled


def payment_status(total: int, paid: int, *, refunded: int = 0, claimed=False) -> PaymentStatus:
    """The one rule for an order's payment status, from its total, payments and refunds that
    went through (fen) and whether a customer's claim of payment is open: refunded once all
    that was paid went back (part of it: partly refunded), paid once the payments cover the
    total (a free order always), a part payment is partly paid (or claimed)."""
    if refunded > 0:
        return PaymentStatus.REFUNDED if refunded >= paid else PaymentStatus.PARTLY_REFUNDED
    if paid >= total:
        return PaymentStatus.PAID
    if claimed:
        return PaymentStatus.CLAIMED
    return PaymentStatus.PARTLY_PAID if paid > 0 else PaymentStatus.UNPAID


def paid_on(order_id) -> Select:
    """The fen paid on the order `order_id` (an id, or a column such as Order.id for a
    correlated subquery) so far: a one-value Select."""
    return Payment.select(fn.COALESCE(fn.SUM(Payment.amount), 0)).where(Payment.order == order_id)


def paid_so_far(order: Order) -> int:
    return int(paid_on(order.id).scalar() or 0)


def outstanding(order: Order, paid: int) -> int:
    """What is left to pay on `order` after `paid` fen."""
    if order.payment_status not in PAYABLE or order.status == OrderStatus.CANCELLED:
        return 0
    return max(order.total - paid, 0)


def status_when_placed(total: int) -> str:
    """The payment status of an order placed for `total` fen: a free order is paid already."""
    return payment_status(total, 0)


def follow_total(order_id: int, total: int, previous_total: int) -> None:
    """After an edit changed the order's total from `previous_total` to `total`: paid or unpaid
    again by what its recorded payments cover. Without recorded payments, an order that became
    free is paid, and one that was paid only because it was free (`previous_total` 0) is unpaid
    again once it costs something. Call inside the edit's transaction; orders refunded, or
    marked paid without recorded payments while they cost something, keep their status."""
    order = Order.get_by_id(order_id)
    if order.payment_status not in (PaymentStatus.PAID, *PAYABLE):
        return
    paid = paid_so_far(order)
    if not paid and total and previous_total:
        return
    status = payment_status(total, paid, claimed=order.payment_status == PaymentStatus.CLAIMED)
    if status != order.payment_status:
        Order.update(payment_status=status).where(Order.id == order_id).execute()


def payments_of(order: Order) -> PaymentSummary:
    payments = list(
        Payment.select(Payment, User)
        .join(User, JOIN.LEFT_OUTER, on=(Payment.recorded_by == User.id))
        .where(Payment.order == order.id)
        .order_by(Payment.created_at.desc(), Payment.id.desc())
    )
    paid = sum(payment.amount for payment in payments)
    return PaymentSummary(payments, paid, outstanding(order, paid))


def may_refund(order: Order, paid: int) -> bool:
    """A paid order, or one with part of it paid, can be marked refunded (once); a free order
    paid without any payment has nothing to refund."""
    if order.payment_status not in (PaymentStatus.PAID, *OWING):
        return False
    return paid > 0 or (order.payment_status == PaymentStatus.PAID and order.total > 0)


def record_payment(
    order: Order,
    amount: int | None,
    method: str,
    actor: Actor,
    expected_version: int | None,
    note: str = "",
    settles_claim: bool = False,
) -> Payment:
    """Record that `order` received `amount` fen (None: all that is outstanding) by `method`;
    `settles_claim`: it confirms the customer's open claim (models/payments/claims.py), so
    the order is no longer claimed whatever it still owes.

    Raises StaleOrder if the order changed since version `expected_version` (None: as
    loaded), NotPayable when it is paid, refunded, cancelled or has nothing to pay, and
    InvalidAmount for an amount of 0 or more than is outstanding.
    """
    if method not in METHODS:
        raise ValueError(f"unknown payment method {method!r}")
    expected = order.version if expected_version is None else expected_version
    with db.atomic():
        current = locked(Order.select().where(Order.id == order.id)).get()
        if current.version != expected:
            raise StaleOrder()
        paid = paid_so_far(current)
        left = outstanding(current, paid)
        if left == 0:
            raise NotPayable(_not_payable(current))
        amount = left if amount is None else amount
        if amount <= 0:
            raise InvalidAmount()
        if amount > left:
            raise InvalidAmount(_l("Only %(amount)s is outstanding.", amount=format_money(left)))
        payment = Payment.create(
            order=current.id,
            amount=amount,
            method=method,
            note=(note or "").strip(),
            recorded_by=actor.user,
        )
        claimed = current.payment_status == PaymentStatus.CLAIMED and not settles_claim
        status = payment_status(current.total, paid + amount, claimed=claimed)
        bump_version(current, expected, payment_status=status)
        record_event(
            current,
            actor,
            kind="payment",
            note=f"{amount} {method}",
            from_status=current.payment_status,
            to_status=status,
        )
    return payment


def _not_payable(order: Order):
    number = order.number
    if order.payment_status == PaymentStatus.PAID:
        return _l("Order #%(number)s is already paid.", number=number)
    if order.payment_status in REFUNDED_STATUSES:
        return _l("Order #%(number)s was refunded.", number=number)
    if order.status == OrderStatus.CANCELLED:
        return _l("Order #%(number)s is cancelled; it takes no payment.", number=number)
    return _l("Order #%(number)s has nothing to pay.", number=number)


def refund_order(order: Order, actor: Actor, expected_version: int) -> Order:
    """Mark the payments of `order` refunded (all of them); StaleOrder if it changed since
    `expected_version`, NothingToRefund when nothing was paid or it is refunded already."""
    with db.atomic():
        current = locked(Order.select().where(Order.id == order.id)).get()
        if current.version != expected_version:
            raise StaleOrder()
        paid = paid_so_far(current)
        if not may_refund(current, paid):
            raise NothingToRefund()
        status = payment_status(current.total, paid, refunded=paid or current.total)
        bump_version(current, expected_version, payment_status=status)
        record_event(
            current,
            actor,
            kind="refunded",
            note=str(paid) if paid else "",
            from_status=current.payment_status,
            to_status=status,
        )
    return Order.get_by_id(order.id)


def may_remove_payment(payment: Payment, actor: Actor) -> bool:
    """Admins may remove any payment; staff only one they recorded themselves."""
    if actor.kind == "admin":
        return True
    return (
        actor.kind in STAFF and actor.user is not None and payment.recorded_by_id == actor.user.id
    )


def remove_payment(payment: Payment, actor: Actor, expected_version: int, reason: str) -> Order:
    """Take back `payment`, recorded by mistake, because of `reason`; return the order after.

    In one transaction: the payment row goes, the order is paid again if the payments left cover
    its total (a free order stays paid) and unpaid otherwise, its version goes up and a
    "payment_removed" event keeps the amount, method and reason. Raises InvalidReason for a
    blank or over-long reason, PaymentNotRemovable when `actor` may not remove it or the order
    was refunded, and StaleOrder if the order changed since `expected_version` (or the payment
    is gone already).
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidReason()
    if len(reason) > MAX_NOTE_LENGTH:
        raise InvalidReason(_l("Keep the reason under %(max)s characters.", max=MAX_NOTE_LENGTH))
    if not may_remove_payment(payment, actor):
        raise PaymentNotRemovable(_l("Only an admin or whoever recorded a payment may remove it."))
    with db.atomic():
        current = locked(Order.select().where(Order.id == payment.order_id)).get()
        if current.version != expected_version:
            raise StaleOrder()
        if current.payment_status in REFUNDED_STATUSES:
            raise PaymentNotRemovable(
                _l(
                    "Order #%(number)s was refunded; its payments can no longer be removed.",
                    number=current.number,
                )
            )
        removed = (
            Payment.delete().where(Payment.id == payment.id, Payment.order == current.id).execute()
        )
        if removed != 1:
            raise StaleOrder()
        claimed = current.payment_status == PaymentStatus.CLAIMED
        status = payment_status(current.total, paid_so_far(current), claimed=claimed)
        bump_version(current, expected_version, payment_status=status)
        record_event(
            current,
            actor,
            kind="payment_removed",
            note=f"{payment.amount} {payment.method} {reason}",
            from_status=current.payment_status,
            to_status=status,
        )
    return Order.get_by_id(current.id)


def payment_words(event) -> dict:
    """The amount (fen, 0 when not known), the method's name and the reason ("" but for a
    removal) of a "payment", "refunded" or "payment_removed" event, for the timeline."""
    amount, _, rest = (event.note or "").partition(" ")
    method, _, reason = rest.partition(" ")
    return {
        "amount": whole_number(amount) or 0,
        "method": METHODS.get(method, method),
        "reason": reason,
    }
