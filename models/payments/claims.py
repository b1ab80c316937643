"""A customer's claim that they paid by the shop's collection QR code, and staff's decision.

`claim_payment` (the customer's "I have paid") writes an open `PaymentClaim` for what the order
still owes, with an optional screenshot, and makes the order "claimed"; a double tap gets the
same open claim (one open claim per order: a partial unique index). Staff `confirm_claim`,
which records the payment through models/orders/payments.py `record_payment` (one payment
however many confirm at once: the claim leaves "open" by a conditional update), or
`reject_claim` with a reason the customer sees: the order owes again. Each is one transaction
with the order's version bump and a timeline event ("payment_claimed", "claim_rejected").
"""

from flask_babel import lazy_gettext as _l
from peewee import (
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    IntegrityError,
    TextField,
)

from models.accounts.user import User
from models.base import BaseModel, utcnow
from models.customers.customer import Customer
from models.db import db, locked
from models.errors import DomainError
from models.orders.lifecycle import Actor, bump_version, record_event
from models.orders.order import Order
from models.orders.payments import (
    MAX_NOTE_LENGTH,
    METHODS,
    outstanding,
    paid_so_far,
    payment_status,
    record_payment,
)
from models.orders.status import OWING, PAYABLE, OrderStatus, PaymentStatus
from models.payments.methods import offers_collection_code
from models.uploads import save_image

OPEN, CONFIRMED, REJECTED = "open", "confirmed", "rejected"
SCREENSHOT_SIDE = 1600


class PaymentClaim(BaseModel):
    order = ForeignKeyField(Order, backref="payment_claims", on_delete="CASCADE")
    amount = IntegerField()  # fen: what the order owed when the customer claimed
    method = CharField(max_length=16)  # a Payment method: wechat, alipay or other
    screenshot = CharField(max_length=100, null=True)  # models/uploads.py name
    status = CharField(max_length=16, default=OPEN)
    created_at = DateTimeField(default=utcnow)
    decided_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    decided_at = DateTimeField(null=True)
    reason = TextField(default="")

    class Meta:
        indexes = ((("status", "created_at"), False),)

    @property
    def is_open(self) -> bool:
        return self.status == OPEN


# One open claim per order, on both databases: a partial unique index.
PaymentClaim.add_index(
    PaymentClaim.index(PaymentClaim.order, unique=True, name="paymentclaim_one_open").where(
        PaymentClaim.status == OPEN
    )
)


class ClaimRefused(DomainError):
    message = _l("This order takes no payment claim now.")


class ClaimDecided(DomainError):
    message = _l("Someone already decided on this payment claim.")


class NoOpenClaim(DomainError):
    message = _l("This order has no payment claim.")


class InvalidReason(DomainError):
    message = _l("Say why the payment is not confirmed.")


def claimable(order: Order) -> bool:
    """The customer may say they paid: the form offers the QR codes and the order, not
    cancelled, still owes (or is claimed already: the same claim again)."""
    return (
        offers_collection_code(order)
        and order.status != OrderStatus.CANCELLED
        and order.payment_status in PAYABLE
        and order.total > 0
    )


def claim_payment(order: Order, method: str, screenshot: bytes | None = None) -> PaymentClaim:
    """The customer of `order` says they paid what it owes by `method` (wechat or alipay);
    the open claim (the one before on a repeat). Raises ClaimRefused, or
    models.uploads.BadImage for a screenshot that is not an image."""
    if method not in METHODS:
        method = "other"
    name = save_image(screenshot, max_side=SCREENSHOT_SIDE) if screenshot else None
    try:
        with db.atomic():
            current = locked(Order.select().where(Order.id == order.id)).get()
            existing = open_claim(current)
            if existing is not None and current.payment_status == PaymentStatus.CLAIMED:
                return existing
            if not claimable(current) or current.payment_status not in OWING:
                raise ClaimRefused()
            if existing is not None:  # left open when the order was paid another way
                _decide(existing, REJECTED, None)
            claim = PaymentClaim.create(
                order=current.id,
                amount=outstanding(current, paid_so_far(current)),
                method=method,
                screenshot=name,
            )
            _set_status(current, Actor.of_customer(current.customer), "payment_claimed", "")
            return claim
    except IntegrityError:  # a concurrent tap made it first
        return open_claim(order)


def confirm_claim(claim: PaymentClaim, user: User) -> PaymentClaim:
    """Record the claimed payment as `user` (the order is paid once covered). Raises
    ClaimDecided when the claim is no longer open, and the payment's errors (NotPayable…)."""
    with db.atomic():
        _decide(claim, CONFIRMED, user)
        order = Order.get_by_id(claim.order_id)
        left = outstanding(order, paid_so_far(order))  # less than claimed if the total fell
        record_payment(
            order,
            min(claim.amount, left) or None,  # None with nothing left: NotPayable
            claim.method,
            Actor.of_user(user),
            None,
            settles_claim=True,
        )
    return PaymentClaim.get_by_id(claim.id)


def reject_claim(claim: PaymentClaim, user: User, reason: str) -> PaymentClaim:
    """The shop found no such payment: the order owes again, the customer sees `reason`."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidReason()
    if len(reason) > MAX_NOTE_LENGTH:
        raise InvalidReason(_l("Keep the reason under %(max)s characters.", max=MAX_NOTE_LENGTH))
    with db.atomic():
        current = locked(Order.select().where(Order.id == claim.order_id)).get()
        _decide(claim, REJECTED, user, reason)
        _set_status(current, Actor.of_user(user), "claim_rejected", reason)
    return PaymentClaim.get_by_id(claim.id)


def _decide(claim: PaymentClaim, status: str, user: User | None, reason: str = "") -> None:
    decided = (
        PaymentClaim.update(status=status, decided_by=user, decided_at=utcnow(), reason=reason)
        .where(PaymentClaim.id == claim.id, PaymentClaim.status == OPEN)
        .execute()
    )
    if decided != 1:
        raise ClaimDecided()


def _set_status(order: Order, actor: Actor, kind: str, note: str) -> None:
    """The order's payment status after its claim opened or closed, with its event."""
    if order.payment_status not in PAYABLE:
        return
    status = payment_status(order.total, paid_so_far(order), claimed=open_claim(order) is not None)
    bump_version(order, order.version, payment_status=status)
    record_event(
        order, actor, kind=kind, note=note, from_status=order.payment_status, to_status=status
    )


def withdraw_on_cancel(event, steps, from_status=None) -> None:
    """Subscribed to `order_changed` (models/subscriptions.py): a cancelled order takes no
    payment, so its open claim leaves the queue (rejected, the cancellation as its reason) and
    the order is unpaid again; inside the cancelling transaction, with its version bump."""
    if not any(s.kind == "status" and s.to_status == OrderStatus.CANCELLED for s in steps):
        return
    withdrawn = (
        PaymentClaim.update(status=REJECTED, decided_at=utcnow(), reason="cancelled")
        .where(PaymentClaim.order == event.order_id, PaymentClaim.status == OPEN)
        .execute()
    )
    if withdrawn:
        order = Order.get_by_id(event.order_id)
        Order.update(payment_status=payment_status(order.total, paid_so_far(order))).where(
            Order.id == event.order_id, Order.payment_status == PaymentStatus.CLAIMED
        ).execute()


def open_claim(order: Order) -> PaymentClaim | None:
    return PaymentClaim.get_or_none(PaymentClaim.order == order.id, PaymentClaim.status == OPEN)


def latest_claim(order: Order) -> PaymentClaim | None:
    """The order's last claim, whatever became of it."""
    return (
        PaymentClaim.select()
        .where(PaymentClaim.order == order.id)
        .order_by(PaymentClaim.created_at.desc(), PaymentClaim.id.desc())
        .first()
    )


def open_claims() -> list[PaymentClaim]:
    """The claims staff have to decide on, oldest first, with their orders and customers; not
    those of orders paid meanwhile another way (recorded at pickup, say)."""
    return list(
        PaymentClaim.select(PaymentClaim, Order, Customer)
        .join(Order)
        .join(Customer)
        .where(PaymentClaim.status == OPEN, Order.payment_status == PaymentStatus.CLAIMED)
        .order_by(PaymentClaim.created_at, PaymentClaim.id)
    )
