"""What the tracking page's payment steps show: for the shop's collection QR codes, the codes,
the amount still owed, the customer's last claim and whether they may say they paid; for paying
online, the providers offered and the open provider order."""

from dataclasses import dataclass

from models.orders.order import Order
from models.orders.payments import outstanding, paid_so_far
from models.orders.status import OWING, OrderStatus
from models.payments.claims import PaymentClaim, claimable, latest_claim
from models.payments.collection_codes import CollectionCode, collection_codes
from models.payments.online import OnlinePayment, offered_providers, open_checkout, payable_online


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


@dataclass(frozen=True)
class OnlineStep:
    providers: list[str]  # "wechat", "alipay": offered by the form and configured
    amount: int  # fen still owed, from the server's order total
    checkout: OnlinePayment | None  # the open provider order, if any


def online_step(order: Order) -> OnlineStep | None:
    """None when the order cannot be paid online (another method, paid, claimed, cancelled)."""
    if not payable_online(order):
        return None
    amount = outstanding(order, paid_so_far(order))
    return OnlineStep(
        offered_providers(order.template_version.settings), amount, open_checkout(order)
    )
