"""Alipay through `python-alipay-sdk` (RSA2): page pay on a desktop, wap pay on a phone.
Requests are signed, answers and notifications verified by the SDK's own code."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from alipay import AliPay
from alipay.exceptions import AliPayException, AliPayValidationError
from alipay.utils import AliPayConfig

from models.money import amount_text, minor_units
from models.payments.providers.base import (
    BadNotification,
    Charge,
    Checkout,
    CheckoutKind,
    Notification,
    NotificationKind,
    ProviderRefused,
    ProviderState,
    ProviderTimeout,
    RefundFailed,
    RefundState,
    RefundStatus,
    Scene,
    StaleNotification,
    TradeStatus,
    WrongMerchant,
)

GATEWAY = "https://openapi.alipay.com/gateway.do"
NOTIFY_PATH = "/pay/notify/alipay"
BEIJING = ZoneInfo("Asia/Shanghai")  # Alipay's times are Beijing time
# Alipay redelivers a notification for 25 hours (4 min, 10 min, 10 min, 1 h, 2 h, 6 h, 15 h);
# one sent longer ago than that is a replay.
NOTIFICATION_MAX_AGE = timedelta(hours=26)
SUCCESS = "10000"

TRADE_STATES = {
    "WAIT_BUYER_PAY": TradeStatus.PENDING,
    "TRADE_SUCCESS": TradeStatus.PAID,
    "TRADE_FINISHED": TradeStatus.PAID,
    "TRADE_CLOSED": TradeStatus.CLOSED,
}


def _pem(key: str, label: str) -> str:
    """Alipay's key tool gives bare base64; the SDK reads PEM."""
    key = key.strip()
    if key.startswith("-----BEGIN"):
        return key
    return f"-----BEGIN {label}-----\n{key}\n-----END {label}-----"


def yuan(fen: int) -> str:
    return amount_text(fen, "CNY")


def fen(yuan_text: str | None) -> int:
    return minor_units(yuan_text or "0", "CNY")


@dataclass(frozen=True)
class AlipaySettings:
    appid: str
    private_key: str
    alipay_public_key: str
    notify_url: str
    gateway: str = GATEWAY
    timeout: float = 10

    @classmethod
    def from_config(cls, config) -> "AlipaySettings | None":
        """The settings, or None when the shop has not configured Alipay."""
        needed = ("APPID", "PRIVATE_KEY", "PUBLIC_KEY")
        if not all(config.get(f"ALIPAY_{key}") for key in needed):
            return None
        return cls(
            appid=config["ALIPAY_APPID"],
            private_key=config["ALIPAY_PRIVATE_KEY"],
            alipay_public_key=config["ALIPAY_PUBLIC_KEY"],
            notify_url=config["PUBLIC_URL"].rstrip("/") + NOTIFY_PATH,
            gateway=config.get("ALIPAY_GATEWAY") or GATEWAY,
            timeout=config.get("PAYMENT_GATEWAY_TIMEOUT", 10),
        )


class AlipayProvider:
    name = "alipay"

    def __init__(self, settings: AlipaySettings):
        self.settings = settings
        self._client = AliPay(
            appid=settings.appid,
            app_notify_url=settings.notify_url,
            app_private_key_string=_pem(settings.private_key, "PRIVATE KEY"),
            alipay_public_key_string=_pem(settings.alipay_public_key, "PUBLIC KEY"),
            sign_type="RSA2",
            config=AliPayConfig(timeout=settings.timeout),
        )
        self._client._gateway = settings.gateway  # the one place the gateway is set

    def create(self, charge: Charge) -> Checkout:
        options = {"return_url": charge.return_url or None}
        if charge.expires_at:
            options["time_expire"] = charge.expires_at.astimezone(BEIJING).strftime(
                "%Y-%m-%d %H:%M:%S"
            )
        if charge.scene == Scene.DESKTOP:
            pay = self._client.api_alipay_trade_page_pay
        else:
            pay = self._client.api_alipay_trade_wap_pay
            if charge.return_url:
                options["quit_url"] = charge.return_url
        signed = pay(charge.description, charge.out_trade_no, yuan(charge.amount), **options)
        return Checkout(CheckoutKind.REDIRECT, url=f"{self.settings.gateway}?{signed}")

    def query(self, out_trade_no: str) -> ProviderState:
        answer = _call(self._client.api_alipay_trade_query, out_trade_no=out_trade_no)
        if answer.get("sub_code") == "ACQ.TRADE_NOT_EXIST":
            return ProviderState(out_trade_no, TradeStatus.NOT_FOUND)
        _succeeded(answer)
        return ProviderState(
            out_trade_no,
            TRADE_STATES.get(answer.get("trade_status"), TradeStatus.PENDING),
            amount=fen(answer.get("total_amount")),
            transaction_id=answer.get("trade_no", ""),
            paid_at=answer.get("send_pay_date", ""),
        )

    def close(self, out_trade_no: str) -> None:
        """Close an unpaid trade; one the buyer never opened has nothing to close."""
        answer = _call(self._client.api_alipay_trade_close, out_trade_no=out_trade_no)
        if answer.get("sub_code") != "ACQ.TRADE_NOT_EXIST":
            _succeeded(answer)

    def refund(self, out_trade_no: str, out_refund_no: str, amount: int, total: int) -> RefundState:
        """Alipay refunds at once: a success answer is the refund done."""
        if not 0 < amount <= total:
            raise RefundFailed(f"a refund is 1 to {total} fen, not {amount}", "INVALID_AMOUNT")
        answer = _call(
            self._client.api_alipay_trade_refund,
            refund_amount=yuan(amount),
            out_trade_no=out_trade_no,
            out_request_no=out_refund_no,
        )
        try:
            _succeeded(answer)
        except ProviderRefused as error:
            raise RefundFailed(str(error), error.code) from error
        return RefundState(
            out_refund_no, RefundStatus.SUCCEEDED, amount, refund_id=answer.get("trade_no", "")
        )

    def verify_notification(self, headers, body: bytes | str) -> Notification:
        if isinstance(body, bytes):
            body = body.decode()
        data = dict(parse_qsl(body, keep_blank_values=True))
        signature = data.pop("sign", "")
        try:
            verified = bool(signature) and self._client.verify(dict(data), signature)
        except (AliPayException, ValueError, TypeError) as error:
            raise BadNotification(f"alipay: {error}") from error
        if not verified:
            raise BadNotification("alipay: the RSA2 signature does not verify")
        if data.get("app_id") != self.settings.appid:
            raise WrongMerchant(f"alipay: for app {data.get('app_id')}")
        try:
            sent = datetime.strptime(data["notify_time"], "%Y-%m-%d %H:%M:%S")
        except (KeyError, ValueError) as error:
            raise BadNotification("alipay: no notify_time") from error
        if datetime.now(BEIJING) - sent.replace(tzinfo=BEIJING) > NOTIFICATION_MAX_AGE:
            raise StaleNotification(f"alipay: sent at {data['notify_time']}, a replay")
        common = {
            "provider": self.name,
            "out_trade_no": data.get("out_trade_no", ""),
            "transaction_id": data.get("trade_no", ""),
            "total": fen(data.get("total_amount")),
            "notification_id": data.get("notify_id", ""),
        }
        if data.get("out_biz_no") and data.get("refund_fee"):
            return Notification(
                kind=NotificationKind.REFUND,
                amount=0,  # Alipay says only the trade's refunded total so far
                refunded_total=fen(data["refund_fee"]),
                out_refund_no=data["out_biz_no"],
                refund_status=RefundStatus.SUCCEEDED,
                **common,
            )
        paid = data.get("trade_status") in ("TRADE_SUCCESS", "TRADE_FINISHED")
        return Notification(
            kind=NotificationKind.PAYMENT, amount=fen(data.get("total_amount")), paid=paid, **common
        )

    def answer(self, accepted: bool) -> tuple[str, int, dict]:
        headers = {"Content-Type": "text/plain; charset=utf-8"}
        return ("success", 200, headers) if accepted else ("fail", 400, headers)


def _call(function, **kwargs) -> dict:
    """The SDK call's verified answer: no answer is ProviderTimeout, an unsigned or
    unverifiable one ProviderRefused."""
    try:
        return function(**kwargs)
    except OSError as error:  # timeouts, refused connections, URLError
        raise ProviderTimeout(f"alipay: the gateway did not answer ({error})") from error
    except AliPayValidationError as error:
        raise ProviderRefused("alipay: the answer's signature does not verify") from error
    except AliPayException as error:
        raise ProviderRefused(f"alipay: {error}") from error
    except ValueError as error:  # not JSON
        raise ProviderRefused(f"alipay: an unreadable answer ({error})") from error


def _succeeded(answer: dict) -> None:
    if answer.get("code") != SUCCESS:
        message = answer.get("sub_msg") or answer.get("msg") or "refused"
        raise ProviderRefused(
            f"alipay: {message}", answer.get("sub_code") or answer.get("code", "")
        )
