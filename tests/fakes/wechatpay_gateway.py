"""A fake WeChat Pay API v3 gateway: checks our requests' WECHATPAY2-SHA256-RSA2048
signatures with the merchant's public key, keeps orders and refunds, signs every answer with
its platform key, serves /v3/certificates encrypted with the APIv3 key, and sends
notifications signed and AES-256-GCM encrypted as WeChat Pay documents them.

It also stands for WeChat's web sign-in (snsapi_base): /connect/oauth2/authorize sends the
browser straight back to redirect_uri with a one-time `code` and the `state`, and
/sns/oauth2/access_token exchanges the code for the payer's `openid` (errcode/errmsg JSON
for a bad or used code, or a wrong app secret), as WeChat documents them.

Misbehaving on request: `delay` (seconds before each API answer), `refuse_refunds`, and the
options of `notify_payment` / `notify_refund` (a stranger's signature, an old timestamp);
`resend` delivers a notification again as it was (a duplicate, or a replay later)."""

import base64
import json
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tests.fakes import Server, serial_hex, sign, signed

BEIJING = timezone(timedelta(hours=8))
PAYER_OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"  # who signs in by WeChat's web sign-in
AUTHORIZATION = re.compile(r'(\w+)="([^"]*)"')


def _now() -> str:
    return datetime.now(BEIJING).isoformat(timespec="seconds")


@dataclass
class Order:
    appid: str
    description: str
    total: int
    notify_url: str
    trade_type: str
    state: str = "NOTPAY"
    transaction_id: str = ""
    paid: int = 0  # what the payer paid: the total unless told otherwise
    success_time: str = ""
    openid: str = "oFakeBuyer0000000000000000"  # what the JSAPI request names
    prepay_id: str = ""  # a JSAPI order's


@dataclass
class Refund:
    out_trade_no: str
    refund: int
    total: int
    notify_url: str
    refund_id: str = field(default_factory=lambda: "50" + secrets.token_hex(14))
    status: str = "PROCESSING"
    create_time: str = field(default_factory=_now)


@dataclass
class Sent:
    """A notification as it went out, and what the shop answered."""

    url: str
    headers: dict
    body: str
    status: int = 0
    answer: str = ""


class FakeWeChatPay:
    def __init__(
        self,
        *,
        mchid,
        appid,
        merchant_key,
        merchant_serial,
        apiv3_key,
        platform_key,
        platform_cert,
        app_secret="",
        openid=PAYER_OPENID,
    ):
        self.app_secret, self.openid = app_secret, openid
        self.codes: dict[str, str] = {}  # sign-in codes not yet exchanged: code -> openid
        self.mchid, self.appid, self.apiv3_key = mchid, appid, apiv3_key
        self.merchant_public_key = merchant_key.public_key()
        self.merchant_serial = merchant_serial
        self.platform_key, self.platform_cert = platform_key, platform_cert
        self.orders: dict[str, Order] = {}
        self.refunds: dict[str, Refund] = {}
        self.sent: list[Sent] = []
        self.requests: list[tuple[str, str, int]] = []  # method, path, status answered
        self.delay = 0.0
        self.refuse_refunds = False
        self._lock = threading.Lock()
        self.server = Server(self._handle)
        self.url = self.server.url

    def close(self):
        self.server.close()

    # --- the API --------------------------------------------------------------------------

    def _handle(self, method, path, headers, body):
        url = urlsplit(path)
        if url.path in ("/connect/oauth2/authorize", "/sns/oauth2/access_token"):
            return self._sign_in(url)
        if self.delay:
            time.sleep(self.delay)
        text = body.decode()
        if not self._signed_by_merchant(method, path, headers, text):
            status, answer = 401, {"code": "SIGN_ERROR", "message": "签名错误"}
        else:
            with self._lock:
                status, answer = self._route(method, urlsplit(path), json.loads(text or "{}"))
        self.requests.append((method, path, status))
        reply = json.dumps(answer, ensure_ascii=False) if answer is not None else ""
        return (
            status,
            {"Content-Type": "application/json", **self._signature(reply)},
            reply.encode(),
        )

    def _sign_in(self, url):
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        if url.path == "/connect/oauth2/authorize":  # snsapi_base: no page, straight back
            code = secrets.token_hex(16)
            self.codes[code] = self.openid
            back = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
            return 302, {"Location": back}, b""
        if query.get("appid") != self.appid or query.get("secret") != self.app_secret:
            answer = {"errcode": 40125, "errmsg": "invalid appsecret"}
        elif query.get("grant_type") != "authorization_code":
            answer = {"errcode": 40002, "errmsg": "invalid grant_type"}
        elif (openid := self.codes.pop(query.get("code", ""), None)) is None:
            answer = {"errcode": 40029, "errmsg": "invalid code"}
        else:
            answer = {
                "access_token": secrets.token_hex(32),
                "expires_in": 7200,
                "refresh_token": secrets.token_hex(32),
                "openid": openid,
                "scope": "snsapi_base",
            }
        body = json.dumps(answer).encode()
        return 200, {"Content-Type": "application/json; encoding=utf-8"}, body

    def _signed_by_merchant(self, method, path, headers, body) -> bool:
        scheme, _, params = headers.get("Authorization", "").partition(" ")
        fields = dict(AUTHORIZATION.findall(params))
        if scheme != "WECHATPAY2-SHA256-RSA2048" or fields.get("mchid") != self.mchid:
            return False
        if fields.get("serial_no") != self.merchant_serial:
            return False
        message = (
            f"{method}\n{path}\n{fields.get('timestamp')}\n{fields.get('nonce_str')}\n{body}\n"
        )
        if not signed(self.merchant_public_key, message, fields.get("signature", "")):
            return False
        return abs(time.time() - int(fields.get("timestamp") or 0)) < 300

    def _route(self, method, url, data):
        parts = url.path.strip("/").split("/")
        match method, parts:
            case "GET", ["v3", "certificates"]:
                return 200, self._certificates()
            case "POST", ["v3", "pay", "transactions", ("native" | "h5" | "jsapi") as kind]:
                return self._create(kind, data)
            case "GET", ["v3", "pay", "transactions", "out-trade-no", out_trade_no]:
                return self._query(out_trade_no, url.query)
            case "POST", ["v3", "pay", "transactions", "out-trade-no", out_trade_no, "close"]:
                return self._close(out_trade_no, data)
            case "POST", ["v3", "refund", "domestic", "refunds"]:
                return self._refund(data)
        return 404, {"code": "NOT_FOUND", "message": "无此接口"}

    def _certificates(self):
        pem = self.platform_cert.public_bytes(serialization.Encoding.PEM).decode()
        return {
            "data": [
                {
                    "serial_no": serial_hex(self.platform_cert),
                    "effective_time": self.platform_cert.not_valid_before_utc.isoformat(),
                    "expire_time": self.platform_cert.not_valid_after_utc.isoformat(),
                    "encrypt_certificate": self._encrypt(pem, "certificate"),
                }
            ]
        }

    def _create(self, kind, data):
        amount = data.get("amount") or {}
        if data.get("mchid") != self.mchid or data.get("appid") != self.appid:
            return 400, {"code": "PARAM_ERROR", "message": "appid和mch_id不匹配"}
        if not isinstance(amount.get("total"), int) or amount["total"] <= 0:
            return 400, {"code": "PARAM_ERROR", "message": "total金额无效"}
        if not (data.get("description") and data.get("out_trade_no") and data.get("notify_url")):
            return 400, {"code": "PARAM_ERROR", "message": "缺少参数"}
        if kind == "jsapi" and not (data.get("payer") or {}).get("openid"):
            return 400, {"code": "PARAM_ERROR", "message": "缺少参数openid"}
        if kind == "h5" and not (data.get("scene_info") or {}).get("payer_client_ip"):
            return 400, {"code": "PARAM_ERROR", "message": "缺少参数scene_info"}
        known = self.orders.get(data["out_trade_no"])
        if known and known.state != "NOTPAY":
            return 400, {"code": "ORDER_CLOSED", "message": "订单已关闭或已支付"}
        if known and known.total != amount["total"]:
            return 400, {"code": "INVALID_REQUEST", "message": "201 商户订单号重复"}
        prepay_id = "wx" + secrets.token_hex(14)
        order = Order(
            data["appid"], data["description"], amount["total"], data["notify_url"], kind.upper()
        )
        if kind == "jsapi":
            order.openid, order.prepay_id = data["payer"]["openid"], prepay_id
        self.orders[data["out_trade_no"]] = order
        if kind == "native":
            return 200, {"code_url": f"weixin://wxpay/bizpayurl?pr={secrets.token_urlsafe(6)}"}
        if kind == "h5":
            url = f"https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id={prepay_id}&package=1"
            return 200, {"h5_url": url}
        return 200, {"prepay_id": prepay_id}

    def _query(self, out_trade_no, query):
        order = self.orders.get(out_trade_no)
        if query != f"mchid={self.mchid}" or order is None:
            return 404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"}
        return 200, self._transaction(out_trade_no, order)

    def _transaction(self, out_trade_no, order):
        answer = {
            "appid": order.appid,
            "mchid": self.mchid,
            "out_trade_no": out_trade_no,
            "trade_type": order.trade_type,
            "trade_state": order.state,
            "trade_state_desc": {"SUCCESS": "支付成功", "NOTPAY": "未支付"}.get(order.state, ""),
            "amount": {"total": order.total, "currency": "CNY"},
        }
        if order.transaction_id:
            answer.update(
                transaction_id=order.transaction_id,
                bank_type="OTHERS",
                success_time=order.success_time,
                payer={"openid": order.openid},
                amount={
                    "total": order.paid,
                    "payer_total": order.paid,
                    "currency": "CNY",
                    "payer_currency": "CNY",
                },
            )
        return answer

    def _close(self, out_trade_no, data):
        order = self.orders.get(out_trade_no)
        if data.get("mchid") != self.mchid or order is None:
            return 404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"}
        if order.state in ("SUCCESS", "REFUND"):
            return 400, {"code": "ORDERPAID", "message": "订单已支付"}
        order.state = "CLOSED"
        return 204, None

    def _refund(self, data):
        amount = data.get("amount") or {}
        order = self.orders.get(data.get("out_trade_no", ""))
        known = self.refunds.get(data.get("out_refund_no", ""))
        if known:
            return 200, self._refund_answer(data["out_refund_no"], known)
        if order is None or not order.transaction_id:
            return 404, {"code": "RESOURCE_NOT_EXISTS", "message": "订单不存在或未支付"}
        if amount.get("total") != order.paid or amount.get("currency") != "CNY":
            return 400, {"code": "INVALID_REQUEST", "message": "订单金额与之前请求不一致"}
        refunded = sum(
            r.refund for r in self.refunds.values() if r.out_trade_no == data["out_trade_no"]
        )
        if (
            not isinstance(amount.get("refund"), int)
            or not 0 < amount["refund"] <= order.paid - refunded
        ):
            return 400, {"code": "INVALID_REQUEST", "message": "申请退款金额超过订单可退金额"}
        if self.refuse_refunds:
            return 403, {"code": "NOT_ENOUGH", "message": "基本账户余额不足，请充值后重新发起"}
        refund = Refund(
            data["out_trade_no"], amount["refund"], amount["total"], data.get("notify_url", "")
        )
        self.refunds[data["out_refund_no"]] = refund
        order.state = "REFUND"
        return 200, self._refund_answer(data["out_refund_no"], refund)

    def _refund_answer(self, out_refund_no, refund):
        order = self.orders[refund.out_trade_no]
        return {
            "refund_id": refund.refund_id,
            "out_refund_no": out_refund_no,
            "transaction_id": order.transaction_id,
            "out_trade_no": refund.out_trade_no,
            "channel": "ORIGINAL",
            "user_received_account": "支付用户零钱",
            "create_time": refund.create_time,
            "status": refund.status,
            "funds_account": "AVAILABLE",
            "amount": {
                "total": refund.total,
                "refund": refund.refund,
                "payer_total": refund.total,
                "payer_refund": refund.refund,
                "settlement_refund": refund.refund,
                "settlement_total": refund.total,
                "discount_refund": 0,
                "currency": "CNY",
            },
        }

    # --- what the payer and WeChat Pay do ------------------------------------------------

    def pay(self, out_trade_no: str, paid: int | None = None) -> None:
        """The customer pays (`paid`: another amount than the order's, to misbehave)."""
        with self._lock:
            order = self.orders[out_trade_no]
            order.state, order.transaction_id = "SUCCESS", "42" + secrets.token_hex(13)
            order.paid = order.total if paid is None else paid
            order.success_time = _now()

    def notify_payment(self, out_trade_no: str, **options) -> Sent:
        order = self.orders[out_trade_no]
        resource = self._transaction(out_trade_no, order)
        event = (
            "TRANSACTION.SUCCESS" if order.state in ("SUCCESS", "REFUND") else "TRANSACTION.CLOSED"
        )
        return self._notify(order.notify_url, event, "支付成功", "transaction", resource, **options)

    def finish_refund(self, out_refund_no: str, succeed: bool = True, **options) -> Sent:
        """The bank's answer: the refund succeeds (REFUND.SUCCESS) or not (REFUND.ABNORMAL)."""
        refund = self.refunds[out_refund_no]
        refund.status = "SUCCESS" if succeed else "ABNORMAL"
        order = self.orders[refund.out_trade_no]
        resource = {
            "mchid": self.mchid,
            "out_trade_no": refund.out_trade_no,
            "transaction_id": order.transaction_id,
            "out_refund_no": out_refund_no,
            "refund_id": refund.refund_id,
            "refund_status": refund.status,
            "user_received_account": "支付用户零钱",
            "amount": {
                "total": refund.total,
                "refund": refund.refund,
                "payer_total": refund.total,
                "payer_refund": refund.refund,
            },
        }
        if succeed:
            resource["success_time"] = _now()
        event, summary = (
            ("REFUND.SUCCESS", "退款成功") if succeed else ("REFUND.ABNORMAL", "退款异常")
        )
        return self._notify(refund.notify_url, event, summary, "refund", resource, **options)

    def _notify(
        self, url, event, summary, kind, resource, *, signed_by=None, age=0, **overrides
    ) -> Sent:
        """Send a notification; `signed_by` another key (a forgery), `age` seconds old (a
        replay), `overrides` change the decrypted resource (another merchant…)."""
        resource = {**resource, **overrides}
        body = json.dumps(
            {
                "id": str(uuid.uuid4()),
                "create_time": _now(),
                "resource_type": "encrypt-resource",
                "event_type": event,
                "summary": summary,
                "resource": {
                    "original_type": kind,
                    **self._encrypt(json.dumps(resource, ensure_ascii=False), kind),
                },
            },
            ensure_ascii=False,
        )
        headers = self._signature(body, signed_by or self.platform_key, age)
        return self.resend(Sent(url, {"Content-Type": "application/json", **headers}, body))

    def resend(self, sent: Sent) -> Sent:
        """Deliver a notification as it was first sent (same id, headers and signature)."""
        response = requests.post(
            sent.url, data=sent.body.encode(), headers=sent.headers, timeout=10
        )
        delivery = Sent(sent.url, sent.headers, sent.body, response.status_code, response.text)
        self.sent.append(delivery)
        return delivery

    # --- signing and encrypting as WeChat Pay does ---------------------------------------

    def _signature(self, body: str, key=None, age: float = 0) -> dict:
        stamp, nonce = str(int(time.time() - age)), secrets.token_hex(16)
        return {
            "Wechatpay-Timestamp": stamp,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Signature": sign(key or self.platform_key, f"{stamp}\n{nonce}\n{body}\n"),
            "Wechatpay-Serial": serial_hex(self.platform_cert),
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        }

    def _encrypt(self, plaintext: str, associated_data: str) -> dict:
        nonce = secrets.token_hex(6)
        sealed = AESGCM(self.apiv3_key.encode()).encrypt(
            nonce.encode(), plaintext.encode(), associated_data.encode()
        )
        return {
            "algorithm": "AEAD_AES_256_GCM",
            "nonce": nonce,
            "associated_data": associated_data,
            "ciphertext": base64.b64encode(sealed).decode(),
        }
