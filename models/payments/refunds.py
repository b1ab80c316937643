"""Refunds: money given back on an order, in part or in whole (docs/payments.md, "Refunds").

A refund is by lines and quantities (their price) or by an amount, never above what was paid
less what earlier refunds took or are taking: `request_refund` checks it with the order row
locked, so two staff refunding at once cannot give back more than came in. A refund goes
back through the provider a payment came through (models/payments/refund_provider.py sends
it after the commit and settles it from the answer or the notification), or is recorded
manually for cash and the shop's QR codes, done at once.

Only `succeeded` refunds count as refunded (`payment_status`); a `requested` one holds its
amount against the cap until it settles, a `failed` one gives it back. Settling a refund as
succeeded makes the order refunded or partly refunded with a "refunded" event (the
`payment_refunded` rules), and puts the goods back on the shelf when staff chose so.
"""

import secrets

from flask import current_app
from flask_babel import lazy_gettext as _l
from peewee import (
    JOIN,
    BooleanField,
    CharField,
    Check,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
    fn,
)

from i18n import format_money
from models.accounts.user import User
from models.base import BaseModel, utcnow
from models.catalog import stock
from models.db import db, locked
from models.errors import DomainError, StaleOrder
from models.orders.lifecycle import Actor, bump_version, record_event
from models.orders.order import Order, OrderLine
from models.orders.payments import MAX_NOTE_LENGTH, METHODS, Payment, paid_so_far, payment_status
from models.orders.status import OrderStatus
from models.payments.online import FLAGGED, HANDLED, OnlinePayment

REQUESTED, SUCCEEDED, FAILED = "requested", "succeeded", "failed"
REFUND_STATUSES = {
    REQUESTED: _l("Waiting for the provider"),
    SUCCEEDED: _l("Refunded"),
    FAILED: _l("Failed"),
}
TO_PROVIDER = "provider"  # the method chosen for "back the way it was paid" (online payments)


def new_refund_number() -> str:
    """Our refund number at the provider (out_refund_no): letters and digits, unique."""
    return "rf" + secrets.token_hex(12)


class Refund(BaseModel):
    order = ForeignKeyField(Order, backref="refunds", on_delete="CASCADE")
    payment = ForeignKeyField(Payment, null=True, on_delete="SET NULL")  # refunded through
    # A flagged online payment given back (models/payments/flagged_refunds.py): money that was
    # never recorded as paid, so it counts nowhere in the order's figures.
    online_payment = ForeignKeyField(OnlinePayment, null=True, on_delete="SET NULL")
    amount = IntegerField(constraints=[Check("amount > 0")])  # fen
    method = CharField(max_length=16)  # models.orders.payments.METHODS
    provider = CharField(max_length=16, null=True)  # set when it goes through a provider
    out_refund_no = CharField(max_length=64, unique=True, default=new_refund_number)
    provider_refund_id = CharField(max_length=64, default="")
    reason = TextField(default="")
    status = CharField(max_length=16, default=REQUESTED)  # REFUND_STATUSES
    failure = TextField(default="")  # why it failed, for staff
    restock = BooleanField(default=False)  # the refunded lines' goods go back on the shelf
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    settled_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("order", "created_at"), False),)

    @property
    def status_label(self):
        return REFUND_STATUSES.get(self.status, self.status)

    @property
    def method_label(self):
        return METHODS.get(self.method, self.method)


class RefundLine(BaseModel):
    """A line refunded by quantity; its name and price as sold."""

    refund = ForeignKeyField(Refund, backref="lines", on_delete="CASCADE")
    line = ForeignKeyField(OrderLine, null=True, on_delete="SET NULL")
    name = CharField()
    unit_price = IntegerField()
    quantity = IntegerField(constraints=[Check("quantity > 0")])


class RefundRefused(DomainError):
    message = _l("This refund is not possible.")


class RefundTooLarge(RefundRefused):
    message = _l("That is more than was paid.")


class NotAllowedToRefund(RefundRefused):
    message = _l("Only an admin may refund money.")


def may_refund_money(actor: Actor) -> bool:
    """Admins refund; staff too when the shop allows it (REFUNDS_BY_STAFF)."""
    if actor.kind == "admin":
        return True
    return actor.kind == "staff" and bool(current_app.config.get("REFUNDS_BY_STAFF"))


def holding(order_id) -> int:
    """Fen refunded or being refunded on the order: what the cap counts."""
    return int(
        Refund.select(fn.COALESCE(fn.SUM(Refund.amount), 0))
        .where(Refund.order == order_id, Refund.status != FAILED, Refund.online_payment.is_null())
        .scalar()
    )


def refunded_so_far(order_id) -> int:
    """Fen refunded on the order: what the payment status counts."""
    return int(
        Refund.select(fn.COALESCE(fn.SUM(Refund.amount), 0))
        .where(
            Refund.order == order_id, Refund.status == SUCCEEDED, Refund.online_payment.is_null()
        )
        .scalar()
    )


def refunded_quantities(order_id) -> dict[int, int]:
    """Units refunded or being refunded, by order line id."""
    rows = (
        RefundLine.select(RefundLine.line, fn.SUM(RefundLine.quantity).alias("units"))
        .join(Refund)
        .where(Refund.order == order_id, Refund.status != FAILED, RefundLine.line.is_null(False))
        .group_by(RefundLine.line)
        .tuples()
    )
    return {line_id: int(units) for line_id, units in rows}


def provider_payment_left(payment: Payment) -> int:
    """What of an online payment can still go back through its provider."""
    taken = (
        Refund.select(fn.COALESCE(fn.SUM(Refund.amount), 0))
        .where(Refund.payment == payment.id, Refund.status != FAILED)
        .scalar()
    )
    return payment.amount - int(taken)


def refundable_payment(order: Order, amount: int) -> Payment | None:
    """The newest online payment of `order` with `amount` still to give back through its
    provider; None when none has."""
    online = (
        Payment.select()
        .where(Payment.order == order.id, Payment.provider.is_null(False))
        .order_by(Payment.created_at.desc(), Payment.id.desc())
    )
    return next((p for p in online if provider_payment_left(p) >= amount), None)


def request_refund(
    order: Order,
    actor: Actor,
    *,
    method: str,
    amount: int | None = None,
    quantities: dict[int, int] | None = None,
    reason: str = "",
    restock: bool = False,
    expected_version: int | None = None,
) -> Refund:
    """Give back `amount` fen, or the price of `quantities` (order line id → units), of what
    `order` was paid, by `method`: TO_PROVIDER through the provider of an online payment
    (the refund is `requested` until it answers: models/payments/refund_provider.py), or a
    manual method (cash, the shop's QR code…), done at once. `restock`: the refunded lines'
    goods are back on the shelf once it succeeds (a completed order's).

    Raises NotAllowedToRefund, RefundRefused or RefundTooLarge (with the reason for staff),
    and StaleOrder if the order changed since `expected_version` (None: not checked).
    """
    if not may_refund_money(actor):
        raise NotAllowedToRefund()
    return request_unchecked(
        order,
        actor,
        method=method,
        amount=amount,
        quantities=quantities,
        reason=reason,
        restock=restock,
        expected_version=expected_version,
    )


def request_unchecked(
    order: Order,
    actor: Actor,
    *,
    method: str,
    amount: int | None = None,
    quantities: dict[int, int] | None = None,
    reason: str = "",
    restock: bool = False,
    expected_version: int | None = None,
) -> Refund:
    """`request_refund` without asking whether `actor` may refund money: for the shop's own
    refunds as the system (models/payments/shop_refunds.py)."""
    if method != TO_PROVIDER and method not in METHODS:
        raise ValueError(f"unknown refund method {method!r}")
    reason = (reason or "").strip()
    if len(reason) > MAX_NOTE_LENGTH:
        raise RefundRefused(_l("Keep the reason under %(max)s characters.", max=MAX_NOTE_LENGTH))
    with db.atomic():
        current = locked(Order.select().where(Order.id == order.id)).get()
        if expected_version is not None and current.version != expected_version:
            raise StaleOrder()
        lines = _refunded_lines(current, quantities or {})
        if lines:
            amount = sum(line.unit_price * line.quantity for line in lines)
        if not amount or amount <= 0:
            raise RefundRefused(_l("Choose what to refund: some units, or an amount."))
        left = paid_so_far(current) - holding(current.id)
        if left <= 0:
            raise RefundTooLarge(_l("Nothing paid is left to refund."))
        if amount > left:
            raise RefundTooLarge(
                _l("At most %(amount)s can be refunded.", amount=format_money(left))
            )
        payment = None
        if method == TO_PROVIDER:
            payment = refundable_payment(current, amount)
            if payment is None:
                raise RefundTooLarge(
                    _l("No online payment of this order has that much left to refund.")
                )
        refund = Refund.create(
            order=current.id,
            payment=payment,
            amount=amount,
            method=payment.method if payment else method,
            provider=payment.provider if payment else None,
            reason=reason,
            restock=restock and bool(lines) and current.status == OrderStatus.COMPLETED,
            created_by=actor.user,
            status=REQUESTED if payment else SUCCEEDED,
            settled_at=None if payment else utcnow(),
        )
        for line in lines:
            line.refund = refund
            line.save(force_insert=True)
        if payment is None:
            _succeed(refund, current, actor)
        else:
            bump_version(current, current.version)
            record_event(current, actor, kind="refund_requested", note=f"{amount} {refund.method}")
    return refund


def _refunded_lines(order: Order, quantities: dict[int, int]) -> list[RefundLine]:
    """The refund lines for `quantities`, each within what is left of its order line."""
    wanted = {int(line_id): int(units) for line_id, units in quantities.items() if int(units)}
    if any(units < 0 for units in wanted.values()):
        raise RefundRefused(_l("Enter a number of units of 0 or more."))
    if not wanted:
        return []
    taken = refunded_quantities(order.id)
    lines = {line.id: line for line in OrderLine.select().where(OrderLine.order == order.id)}
    refunded = []
    for line_id, units in sorted(wanted.items()):
        line = lines.get(line_id)
        if line is None:
            raise RefundRefused()
        left = line.quantity - taken.get(line_id, 0)
        if units > left:
            raise RefundTooLarge(
                _l("Only %(count)s of %(name)s can be refunded.", count=left, name=line.name)
            )
        refunded.append(
            RefundLine(line=line.id, name=line.name, unit_price=line.unit_price, quantity=units)
        )
    return refunded


def settle_refund(refund_id: int, succeeded: bool, provider_refund_id: str = "", failure=""):
    """The provider's outcome of a requested refund (its answer or its notification); once
    only: a refund settled already stays as it is (a notification delivered twice). Returns
    whether this call settled it."""
    with db.atomic():
        refund = Refund.get_by_id(refund_id)
        order = locked(Order.select().where(Order.id == refund.order_id)).get()
        changes = {Refund.status: SUCCEEDED if succeeded else FAILED, Refund.settled_at: utcnow()}
        if provider_refund_id:
            changes[Refund.provider_refund_id] = provider_refund_id
        if not succeeded:
            changes[Refund.failure] = str(failure)[:MAX_NOTE_LENGTH]
        settled = (
            Refund.update(changes)
            .where(Refund.id == refund_id, Refund.status == REQUESTED)
            .execute()
        )
        if settled != 1:
            return False
        refund = Refund.get_by_id(refund_id)
        if refund.online_payment_id:  # a flagged payment given back: it leaves staff's list
            if succeeded:
                OnlinePayment.update(status=HANDLED).where(
                    OnlinePayment.id == refund.online_payment_id, OnlinePayment.status == FLAGGED
                ).execute()
        elif succeeded:
            _succeed(refund, order, Actor.system())
        else:
            bump_version(order, order.version)
            record_event(
                order, Actor.system(), kind="refund_failed", note=f"{refund.amount} {refund.method}"
            )
    return True


def _succeed(refund: Refund, order: Order, actor: Actor) -> None:
    """A refund went through: the goods back on the shelf if chosen, the order's status."""
    if refund.restock:
        _restock(refund, order)
    status = payment_status(
        order.total, paid_so_far(order), refunded=refunded_so_far(order.id), claimed=False
    )
    bump_version(order, order.version, payment_status=status)
    record_event(
        order,
        actor,
        kind="refunded",
        note=f"{refund.amount} {refund.method}",
        from_status=order.payment_status,
        to_status=status,
    )


def _restock(refund: Refund, order: Order) -> None:
    """The refunded units back on the shelf: one stock UPDATE and its ledger row ("returned")
    per line."""
    for line in (
        RefundLine.select(RefundLine, OrderLine)
        .join(OrderLine)
        .where(RefundLine.refund == refund.id)
    ):
        sold = line.line
        if sold.product_id is None or not sold.holds_stock:
            continue
        stock.receive(
            sold.product_id,
            sold.warehouse_id,
            line.quantity,
            kind="returned",
            reason="Refund",
            by=refund.created_by,
            order_number=order.number,
        )


def refunds_of(order: Order) -> list[Refund]:
    """The order's refunds, newest first, with who asked and what lines."""
    refunds = list(
        Refund.select(Refund, User)
        .join(User, JOIN.LEFT_OUTER, on=(Refund.created_by == User.id))
        .where(Refund.order == order.id)
        .order_by(Refund.created_at.desc(), Refund.id.desc())
    )
    lines: dict[int, list[RefundLine]] = {}
    for line in RefundLine.select().where(RefundLine.refund.in_([r.id for r in refunds])):
        lines.setdefault(line.refund_id, []).append(line)
    for refund in refunds:
        refund.refunded_lines = lines.get(refund.id, [])
    return refunds
