"""WeChat Pay through the `wechatpayv3` SDK (API v3): Native QR on a desktop, H5 in a phone
browser, JSAPI inside WeChat. Requests are signed, answers and notifications verified and the
notifications' resource decrypted by the SDK's own code, never by ours."""

import json
import secrets
import time
from dataclasses import dataclass

import requests
from wechatpayv3 import WeChatPay, WeChatPayType
from wechatpayv3.core import Core

from models.payments.providers.base import (
    BadNotification,
    Charge,
    Checkout,
    CheckoutKind,
    Notification,
    NotificationKind,
    ProviderError,
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

GATEWAY = "https://api.mch.weixin.qq.com"
OAUTH_URL = "https://open.weixin.qq.com"  # WeChat's web sign-in page (wechat_oauth.py)
API_URL = "https://api.weixin.qq.com"  # where its code is exchanged for the openid
NOTIFY_PATH = "/pay/notify/wechat"
REFUND_NOTIFY_PATH = "/pay/refund-notify/wechat"
# WeChat Pay signs each delivery afresh; one older than this is a replay (its advice: 5 minutes).
NOTIFICATION_MAX_AGE_SECONDS = 300

TRADE_STATES = {
    "SUCCESS": TradeStatus.PAID,
    "REFUND": TradeStatus.REFUNDED,
    "NOTPAY": TradeStatus.PENDING,
    "USERPAYING": TradeStatus.PENDING,
    "CLOSED": TradeStatus.CLOSED,
    "REVOKED": TradeStatus.CLOSED,
    "PAYERROR": TradeStatus.CLOSED,
}
REFUND_STATES = {
    "SUCCESS": RefundStatus.SUCCEEDED,
    "PROCESSING": RefundStatus.PROCESSING,
    "CLOSED": RefundStatus.FAILED,
    "ABNORMAL": RefundStatus.FAILED,
}


@dataclass(frozen=True)
class WeChatSettings:
    mchid: str
    appid: str
    private_key: str
    cert_serial_no: str
    apiv3_key: str
    notify_url: str
    refund_notify_url: str = ""  # where refund outcomes go (the notify_url when empty)
    cert_dir: str = ""
    public_key: str = ""  # the platform public key, instead of fetched certificates
    public_key_id: str = ""
    gateway: str = GATEWAY
    timeout: float = 10
    app_secret: str = ""  # the official account's AppSecret: JSAPI inside WeChat when set
    oauth_url: str = OAUTH_URL
    api_url: str = API_URL

    @property
    def jsapi(self) -> bool:
        """JSAPI is offered inside WeChat only with the app secret (to learn the openid)."""
        return bool(self.app_secret)

    @classmethod
    def from_config(cls, config) -> "WeChatSettings | None":
        """The settings, or None when the shop has not configured WeChat Pay."""
        needed = ("MCHID", "APPID", "PRIVATE_KEY", "CERT_SERIAL_NO", "APIV3_KEY")
        if not all(config.get(f"WECHATPAY_{key}") for key in needed):
            return None
        return cls(
            mchid=config["WECHATPAY_MCHID"],
            appid=config["WECHATPAY_APPID"],
            private_key=config["WECHATPAY_PRIVATE_KEY"],
            cert_serial_no=config["WECHATPAY_CERT_SERIAL_NO"],
            apiv3_key=config["WECHATPAY_APIV3_KEY"],
            notify_url=config["PUBLIC_URL"].rstrip("/") + NOTIFY_PATH,
            refund_notify_url=config["PUBLIC_URL"].rstrip("/") + REFUND_NOTIFY_PATH,
            cert_dir=config.get("WECHATPAY_CERT_DIR", ""),
            public_key=config.get("WECHATPAY_PUBLIC_KEY", ""),
            public_key_id=config.get("WECHATPAY_PUBLIC_KEY_ID", ""),
            gateway=config.get("WECHATPAY_GATEWAY") or GATEWAY,
            timeout=config.get("PAYMENT_GATEWAY_TIMEOUT", 10),
            app_secret=config.get("WECHAT_APP_SECRET", ""),
            oauth_url=config.get("WECHAT_OAUTH_URL") or OAUTH_URL,
            api_url=config.get("WECHAT_API_URL") or API_URL,
        )


class _Core(Core):
    """The SDK's Core talking to `gateway` from its very first request (starting, it fetches
    the platform certificates): the one place the gateway is set."""

    def __init__(self, gateway: str, **kwargs):
        self._gateway = gateway
        super().__init__(**kwargs)
        self._gate_way = gateway

    def _init_certificates(self):
        self._gate_way = self._gateway
        super()._init_certificates()


class _Client(WeChatPay):
    """WeChatPay on a _Core (WeChatPay.__init__ would build its Core at the real gateway)."""

    def __init__(self, settings: WeChatSettings):
        self._type = WeChatPayType.NATIVE
        self._mchid = settings.mchid
        self._appid = settings.appid
        self._notify_url = settings.notify_url
        self._partner_mode = False
        self._core = _Core(
            settings.gateway,
            mchid=settings.mchid,
            cert_serial_no=settings.cert_serial_no,
            private_key=settings.private_key,
            apiv3_key=settings.apiv3_key,
            cert_dir=settings.cert_dir or None,
            timeout=settings.timeout,
            public_key=settings.public_key or None,
            public_key_id=settings.public_key_id or None,
        )


class WeChatPayProvider:
    name = "wechat"

    def __init__(self, settings: WeChatSettings):
        self.settings = settings
        self._client_instance = None

    @property
    def _client(self) -> _Client:
        """Built on first use: starting, the SDK fetches the platform certificates."""
        if self._client_instance is None:
            self._client_instance = _call(_Client, self.settings)
        return self._client_instance

    def create(self, charge: Charge) -> Checkout:
        options = {
            "description": charge.description,
            "out_trade_no": charge.out_trade_no,
            "amount": {"total": charge.amount, "currency": "CNY"},
        }
        if charge.expires_at:
            options["time_expire"] = charge.expires_at.isoformat(timespec="seconds")
        if charge.scene == Scene.WECHAT:
            answer = self._request(
                self._client.pay,
                pay_type=WeChatPayType.JSAPI,
                payer={"openid": charge.openid},
                **options,
            )
            return Checkout(CheckoutKind.JSAPI, params=self._jsapi_params(answer["prepay_id"]))
        if charge.scene == Scene.PHONE:
            answer = self._request(
                self._client.pay,
                pay_type=WeChatPayType.H5,
                scene_info={"payer_client_ip": charge.client_ip, "h5_info": {"type": "Wap"}},
                **options,
            )
            url = answer["h5_url"]
            if charge.return_url:
                url += "&redirect_url=" + requests.utils.quote(charge.return_url, safe="")
            return Checkout(CheckoutKind.REDIRECT, url=url)
        answer = self._request(self._client.pay, pay_type=WeChatPayType.NATIVE, **options)
        return Checkout(CheckoutKind.QR, url=answer["code_url"])

    def _jsapi_params(self, prepay_id: str) -> dict:
        """What WeixinJSBridge's getBrandWCPayRequest takes, signed with the merchant key."""
        stamp, nonce, package = (
            str(int(time.time())),
            secrets.token_hex(16),
            f"prepay_id={prepay_id}",
        )
        return {
            "appId": self.settings.appid,
            "timeStamp": stamp,
            "nonceStr": nonce,
            "package": package,
            "signType": "RSA",
            "paySign": self._client.sign([self.settings.appid, stamp, nonce, package]),
        }

    def query(self, out_trade_no: str) -> ProviderState:
        try:
            answer = self._request(self._client.query, out_trade_no=out_trade_no)
        except ProviderRefused as error:
            if error.code == "ORDER_NOT_EXIST":
                return ProviderState(out_trade_no, TradeStatus.NOT_FOUND)
            raise
        return ProviderState(
            out_trade_no,
            TRADE_STATES.get(answer["trade_state"], TradeStatus.PENDING),
            amount=answer.get("amount", {}).get("total", 0),
            transaction_id=answer.get("transaction_id", ""),
            paid_at=answer.get("success_time", ""),
        )

    def close(self, out_trade_no: str) -> None:
        self._request(self._client.close, out_trade_no=out_trade_no)

    def refund(self, out_trade_no: str, out_refund_no: str, amount: int, total: int) -> RefundState:
        if not 0 < amount <= total:
            raise RefundFailed(f"a refund is 1 to {total} fen, not {amount}", "INVALID_AMOUNT")
        try:
            answer = self._request(
                self._client.refund,
                out_refund_no=out_refund_no,
                out_trade_no=out_trade_no,
                amount={"refund": amount, "total": total, "currency": "CNY"},
                notify_url=self.settings.refund_notify_url or None,
            )
        except ProviderRefused as error:
            raise RefundFailed(str(error), error.code) from error
        return RefundState(
            out_refund_no,
            REFUND_STATES.get(answer.get("status"), RefundStatus.PROCESSING),
            amount=answer.get("amount", {}).get("refund", amount),
            refund_id=answer.get("refund_id", ""),
        )

    def verify_notification(self, headers, body: bytes | str) -> Notification:
        headers = {key.lower(): value for key, value in headers.items()}
        try:
            data = self._client.callback(headers, body)
        except ProviderError:  # the client could not start
            raise
        except Exception as error:  # the SDK raises bare exceptions (an unknown algorithm…)
            raise BadNotification(f"wechat: {error}") from error
        if not data:
            raise BadNotification("wechat: the signature or the APIv3 encryption does not verify")
        try:
            age = abs(time.time() - int(headers.get("wechatpay-timestamp", "")))
        except ValueError as error:
            raise BadNotification("wechat: no timestamp") from error
        if age > NOTIFICATION_MAX_AGE_SECONDS:
            raise StaleNotification(f"wechat: signed {int(age)} s ago, a replay")
        return self._notification(data)

    def _notification(self, data: dict) -> Notification:
        resource, event = data["resource"], data.get("event_type", "")
        if resource.get("mchid") != self.settings.mchid:
            raise WrongMerchant(f"wechat: for merchant {resource.get('mchid')}")
        amount = resource.get("amount", {})
        common = {
            "provider": self.name,
            "out_trade_no": resource.get("out_trade_no", ""),
            "transaction_id": resource.get("transaction_id", ""),
            "total": amount.get("total", 0),
            "notification_id": data.get("id", ""),
        }
        if event.startswith("TRANSACTION."):
            if resource.get("appid") != self.settings.appid:
                raise WrongMerchant(f"wechat: for app {resource.get('appid')}")
            paid = resource.get("trade_state") == "SUCCESS"
            return Notification(
                kind=NotificationKind.PAYMENT, amount=amount.get("total", 0), paid=paid, **common
            )
        if event.startswith("REFUND."):
            return Notification(
                kind=NotificationKind.REFUND,
                amount=amount.get("refund", 0),
                out_refund_no=resource.get("out_refund_no", ""),
                refund_status=REFUND_STATES.get(resource.get("refund_status"), RefundStatus.FAILED),
                **common,
            )
        raise BadNotification(f"wechat: unknown event {event!r}")

    def answer(self, accepted: bool) -> tuple[str, int, dict]:
        if accepted:
            return "", 204, {}
        body = json.dumps({"code": "FAIL", "message": "失败"})
        return body, 400, {"Content-Type": "application/json"}

    def _request(self, method, **kwargs) -> dict:
        """The SDK call's JSON answer; ProviderRefused for an error answer."""
        status, text = _call(method, **kwargs)
        data = json.loads(text) if text else {}
        if status >= 300:
            raise ProviderRefused(data.get("message", f"HTTP {status}"), data.get("code", ""))
        return data


def _call(function, *args, **kwargs):
    """Call into the SDK: a gateway that does not answer is a ProviderTimeout, the SDK's own
    failures (an answer whose signature does not verify, no platform certificate) ProviderRefused."""
    try:
        return function(*args, **kwargs)
    except (requests.Timeout, requests.ConnectionError) as error:
        raise ProviderTimeout(f"wechat: the gateway did not answer ({error})") from error
    except ProviderRefused:
        raise
    except Exception as error:
        raise ProviderRefused(f"wechat: {error}") from error
