"""What the tracking page's payment step shows a customer whose form offers the shop's
collection QR codes: the codes, the amount still owed, their last claim and whether they may
say they paid."""

from dataclasses import dataclass

from models.orders.order import Order
from models.orders.payments import outstanding, paid_so_far
from models.orders.status import OWING, OrderStatus
from models.payments.claims import PaymentClaim, claimable, latest_claim
from models.payments.collection_codes import CollectionCode, collection_codes


@dataclass(frozen=True)
class PaymentStep:
    codes: dict[str, CollectionCode]
    amount: int  # fen still owed, from the server's order total
    claim: PaymentClaim | None  # the last one, whatever became of it
    may_claim: bool


def payment_step(order: Order) -> PaymentStep | None:
    """None when there is nothing to pay by QR code (another method, paid, cancelled)."""
    if order.status == OrderStatus.CANCELLED or not claimable(order):
        return None
    codes = collection_codes()
    may_claim = bool(codes) and order.payment_status in OWING
    amount = outstanding(order, paid_so_far(order))
    return PaymentStep(codes, amount, latest_claim(order), may_claim)
