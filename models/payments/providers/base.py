"""One interface for the online payment providers (WeChat Pay, Alipay) and the plain values
it speaks in. Amounts are always integer fen; each provider converts at its own edge.

The errors are for the code that calls a provider (the notify routes answer "fail" and log
them, the pages show their own words); they are not user-facing text.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class Scene(StrEnum):
    """Where the customer pays: it decides the kind of checkout."""

    DESKTOP = "desktop"  # a QR code to scan with the phone (WeChat Native, Alipay page pay)
    PHONE = "phone"  # a phone browser: a redirect (WeChat H5, Alipay wap pay)
    WECHAT = "wechat"  # inside WeChat: JSAPI parameters for WeixinJSBridge


class CheckoutKind(StrEnum):
    QR = "qr"  # show `url` as a QR code
    REDIRECT = "redirect"  # send the browser to `url`
    JSAPI = "jsapi"  # hand `params` to WeixinJSBridge.invoke("getBrandWCPayRequest")


class TradeStatus(StrEnum):
    NOT_FOUND = "not_found"  # the provider knows no such trade (yet)
    PENDING = "pending"  # created, not paid
    PAID = "paid"
    REFUNDED = "refunded"  # paid, then refunded in part or whole
    CLOSED = "closed"  # closed unpaid, or fully refunded (Alipay)


class RefundStatus(StrEnum):
    PROCESSING = "processing"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class NotificationKind(StrEnum):
    PAYMENT = "payment"
    REFUND = "refund"


@dataclass(frozen=True)
class Charge:
    """What to collect: the amount comes from the server's order total, never the client."""

    out_trade_no: str
    amount: int
    description: str
    scene: Scene = Scene.DESKTOP
    client_ip: str = "127.0.0.1"  # WeChat H5 needs the payer's address
    openid: str = ""  # WeChat JSAPI needs the payer's openid
    return_url: str = ""  # Alipay sends the browser back here
    expires_at: datetime | None = None

    def __post_init__(self):
        if type(self.amount) is not int or self.amount <= 0:
            raise ValueError(f"a charge is a positive number of fen, not {self.amount!r}")


@dataclass(frozen=True)
class Checkout:
    kind: CheckoutKind
    url: str = ""
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ProviderState:
    out_trade_no: str
    status: TradeStatus
    amount: int = 0
    transaction_id: str = ""
    paid_at: str = ""


@dataclass(frozen=True)
class RefundState:
    out_refund_no: str
    status: RefundStatus
    amount: int
    refund_id: str = ""


@dataclass(frozen=True)
class Notification:
    """A verified notification. `amount` is what was paid (payment) or this refund's amount
    (refund; 0 when the provider does not say: Alipay gives `refunded_total`, all refunded so
    far). `notification_id` is the provider's id of this notice (the same on a redelivery)."""

    provider: str
    kind: NotificationKind
    out_trade_no: str
    transaction_id: str
    amount: int
    total: int
    paid: bool = False
    out_refund_no: str = ""
    refund_status: RefundStatus | None = None
    refunded_total: int = 0
    notification_id: str = ""


class ProviderError(Exception):
    """A provider call or notification that cannot be used; `str()` says why, for the log."""


class ProviderTimeout(ProviderError):
    """The gateway did not answer in time: the outcome is unknown, query later."""


class ProviderRefused(ProviderError):
    """The gateway answered with an error (or an answer we could not verify)."""

    def __init__(self, message: str, code: str = ""):
        super().__init__(f"{code}: {message}" if code else message)
        self.code = code


class RefundFailed(ProviderRefused):
    """The gateway refused the refund (balance too low, more than is refundable, …)."""


class BadNotification(ProviderError):
    """A notification that is not from the provider: bad signature, undecryptable, malformed."""


class WrongMerchant(BadNotification):
    """Signed by the provider, but for another merchant or app."""


class StaleNotification(BadNotification):
    """Signed by the provider, but too old to accept: a replay."""


class AmountMismatch(ProviderError):
    """A payment for another amount than the order's: flag it, never record it as paid."""


def check_amount(notification: Notification, expected: int) -> Notification:
    """The notification, if it paid exactly `expected` fen; AmountMismatch otherwise."""
    if notification.total != expected:
        raise AmountMismatch(
            f"{notification.provider} {notification.out_trade_no}: "
            f"paid {notification.total} fen, the order is {expected} fen"
        )
    return notification


class Provider(Protocol):
    name: str

    def create(self, charge: Charge) -> Checkout: ...

    def query(self, out_trade_no: str) -> ProviderState: ...

    def close(self, out_trade_no: str) -> None: ...

    def refund(
        self, out_trade_no: str, out_refund_no: str, amount: int, total: int
    ) -> RefundState: ...

    def verify_notification(self, headers, body: bytes | str) -> Notification: ...

    def answer(self, accepted: bool) -> tuple[str, int, dict]:
        """The reply the notify route sends: body, status, headers."""
        ...
