"""Giving back a flagged online payment (models/payments/flagged.py `flagged_payments`: another
amount than asked, a cancelled or already paid order) through its provider's refund API.

No payment row was recorded for that money, so the refund is tied to the provider order
instead (`Refund.online_payment`): all of what the provider took, by our trade number there.
It counts nowhere in the order's figures (paid, refunded, the refund cap); it goes out like any
provider refund (models/payments/refund_provider.py `send_refund`, after the commit), and once
it succeeds the flagged payment is handled and leaves staff's list. One at a time: a second
click while one is under way, or after it went through, is refused.
"""

from flask_babel import lazy_gettext as _l

from models.db import db, locked
from models.orders.lifecycle import Actor
from models.payments.online import FLAGGED, OnlinePayment
from models.payments.refunds import (
    FAILED,
    REQUESTED,
    NotAllowedToRefund,
    Refund,
    RefundRefused,
    may_refund_money,
)


def refund_flagged(online: OnlinePayment, actor: Actor) -> Refund:
    """A requested refund of all a flagged provider order took; send it after the commit.
    Raises NotAllowedToRefund, or RefundRefused when it is not flagged (any more) or a refund
    of it is under way or done."""
    if not may_refund_money(actor):
        raise NotAllowedToRefund()
    with db.atomic():
        current = locked(OnlinePayment.select().where(OnlinePayment.id == online.id)).get()
        if current.status != FLAGGED or not current.paid_amount:
            raise RefundRefused(_l("This payment is not waiting for staff any more."))
        if (
            Refund.select()
            .where(Refund.online_payment == current.id, Refund.status != FAILED)
            .exists()
        ):
            raise RefundRefused(_l("This payment is being refunded already."))
        return Refund.create(
            order=current.order_id,
            online_payment=current.id,
            amount=current.paid_amount,
            method=current.provider,
            provider=current.provider,
            reason=f"flagged: {current.problem}",
            created_by=actor.user,
            status=REQUESTED,
        )


def flagged_refunds(onlines: list[OnlinePayment]) -> dict[int, Refund]:
    """The newest refund of each of these flagged provider orders, by its id."""
    newest: dict[int, Refund] = {}
    query = (
        Refund.select()
        .where(Refund.online_payment.in_([o.id for o in onlines]))
        .order_by(Refund.created_at, Refund.id)
    )
    for refund in query:
        newest[refund.online_payment_id] = refund
    return newest
