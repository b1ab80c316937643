"""The flagged online payments staff must look at (models/payments/online.py: another amount,
a cancelled or an already paid order), and marking one handled."""

from models.orders.order import Order
from models.payments.online import FLAGGED, HANDLED, OnlinePayment


def flagged_payments() -> list[OnlinePayment]:
    """Online payments staff must look at (another amount, a cancelled or already paid order),
    newest first, with their orders."""
    return list(
        OnlinePayment.select(OnlinePayment, Order)
        .join(Order)
        .where(OnlinePayment.status == FLAGGED)
        .order_by(OnlinePayment.created_at.desc(), OnlinePayment.id.desc())
    )


def mark_handled(online: OnlinePayment) -> bool:
    """Staff dealt with a flagged payment (refunded it in the provider's merchant app, say): it
    leaves the list. False when it was not flagged (someone else did it first)."""
    return bool(
        OnlinePayment.update(status=HANDLED)
        .where(OnlinePayment.id == online.id, OnlinePayment.status == FLAGGED)
        .execute()
    )
