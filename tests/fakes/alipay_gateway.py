"""A fake Alipay open-platform gateway (gateway.do): checks our requests' RSA2 signatures with
the app's public key, opens a trade when the browser comes to the page/wap pay URL, answers
alipay.trade.query/close/refund signed with Alipay's key (the SDK verifies the
`<method>_response` object), and sends trade_status_sync notifications as Alipay documents
them (form fields, RSA2 over the sorted fields without sign and sign_type; it wants "success").

Misbehaving on request: `delay` (seconds before each answer), `refuse_refunds`, and the
options of `notify` (a stranger's signature, an old notify_time, other fields); `resend`
delivers a notification again as it was."""

import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import requests

from tests.fakes import Server, sign, signed

BEIJING = timezone(timedelta(hours=8))
PAY_METHODS = {
    "alipay.trade.page.pay": "FAST_INSTANT_TRADE_PAY",
    "alipay.trade.wap.pay": "QUICK_WAP_PAY",
}


def _beijing(moment: datetime | None = None) -> str:
    return (moment or datetime.now(BEIJING)).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def _unsigned(fields: dict) -> str:
    return "&".join(f"{key}={value}" for key, value in sorted(fields.items()))


def _money(value) -> str:
    return f"{Decimal(value):.2f}"


@dataclass
class Trade:
    subject: str
    total_amount: str
    notify_url: str
    return_url: str
    product_code: str
    trade_no: str = field(default_factory=lambda: "2026" + secrets.token_hex(12))
    status: str = "WAIT_BUYER_PAY"
    paid_amount: str = ""
    gmt_create: str = field(default_factory=_beijing)
    gmt_payment: str = ""
    refunds: dict = field(default_factory=dict)  # out_request_no -> amount text

    @property
    def refunded(self) -> Decimal:
        return sum((Decimal(value) for value in self.refunds.values()), Decimal(0))


@dataclass
class Sent:
    url: str
    fields: dict
    status: int = 0
    answer: str = ""


class FakeAlipay:
    def __init__(self, *, appid, app_key, alipay_key):
        self.appid = appid
        self.app_public_key = app_key.public_key()
        self.alipay_key = alipay_key
        self.trades: dict[str, Trade] = {}
        self.sent: list[Sent] = []
        self.requests: list[tuple[str, str]] = []  # method name, code answered
        self.delay = 0.0
        self.refuse_refunds = False
        self._lock = threading.Lock()
        self.server = Server(self._handle)
        self.url = self.server.url + "/gateway.do"

    def close(self):
        self.server.close()

    # --- the gateway ---------------------------------------------------------------------

    def _handle(self, method, path, headers, body):
        if self.delay:
            time.sleep(self.delay)
        url = urlsplit(path)
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        params.update(parse_qsl(body.decode(), keep_blank_values=True))
        name = params.get("method", "")
        if url.path != "/gateway.do":
            return 404, {}, b"not found"
        if name in PAY_METHODS:
            return self._cashier(params)
        if not self._signed_by_app(params):
            answer = self._error("40002", "Invalid Arguments", "isv.invalid-signature", "验签出错")
        elif params.get("app_id") != self.appid:
            answer = self._error(
                "40002", "Invalid Arguments", "isv.invalid-app-id", "无效的AppID参数"
            )
        else:
            biz = json.loads(params.get("biz_content") or "{}")
            with self._lock:
                answer = {
                    "alipay.trade.query": self._query,
                    "alipay.trade.close": self._close,
                    "alipay.trade.refund": self._refund,
                }.get(
                    name,
                    lambda biz: self._error(
                        "40004", "Business Failed", "isv.invalid-method", "不存在的方法名"
                    ),
                )(biz)
        self.requests.append((name, answer["code"]))
        return 200, {"Content-Type": "text/html;charset=utf-8"}, self._signed_answer(name, answer)

    def _signed_by_app(self, params: dict) -> bool:
        fields = dict(params)
        signature = fields.pop("sign", "")
        if fields.get("sign_type") != "RSA2":
            return False
        return signed(self.app_public_key, _unsigned(fields), signature)

    def _signed_answer(self, name: str, answer: dict) -> bytes:
        content = json.dumps(answer, ensure_ascii=False, separators=(",", ":"))
        response = name.replace(".", "_") + "_response"
        return f'{{"{response}":{content},"sign":"{self._sign(content)}"}}'.encode()

    def _cashier(self, params):
        """The page the browser opens: the trade exists from here on (as on Alipay)."""
        biz = json.loads(params.get("biz_content") or "{}")
        if not self._signed_by_app(params) or params.get("app_id") != self.appid:
            return (
                400,
                {"Content-Type": "text/html;charset=utf-8"},
                "<h1>错误代码 invalid-signature</h1>".encode(),
            )
        if biz.get("product_code") != PAY_METHODS[params["method"]]:
            return 400, {"Content-Type": "text/html;charset=utf-8"}, b"<h1>product_code</h1>"
        with self._lock:
            trade = self.trades.get(biz["out_trade_no"])
            if trade is None:
                trade = self.trades[biz["out_trade_no"]] = Trade(
                    biz["subject"],
                    _money(biz["total_amount"]),
                    params.get("notify_url", ""),
                    params.get("return_url", ""),
                    biz["product_code"],
                )
        if trade.status != "WAIT_BUYER_PAY":
            return (
                200,
                {"Content-Type": "text/html;charset=utf-8"},
                "<h1>交易已关闭或已支付</h1>".encode(),
            )
        page = f"<h1>支付宝收银台</h1><p>{trade.subject}</p><p>¥{trade.total_amount}</p>"
        return 200, {"Content-Type": "text/html;charset=utf-8"}, page.encode()

    def _error(self, code, msg, sub_code, sub_msg):
        return {"code": code, "msg": msg, "sub_code": sub_code, "sub_msg": sub_msg}

    def _trade(self, biz):
        return self.trades.get(biz.get("out_trade_no", ""))

    def _query(self, biz):
        trade = self._trade(biz)
        if trade is None:
            return self._error("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST", "交易不存在")
        answer = {
            "code": "10000",
            "msg": "Success",
            "trade_no": trade.trade_no,
            "out_trade_no": biz["out_trade_no"],
            "buyer_logon_id": "159****5620",
            "trade_status": trade.status,
            "total_amount": trade.paid_amount or trade.total_amount,
        }
        if trade.gmt_payment:
            answer.update(
                send_pay_date=trade.gmt_payment,
                receipt_amount=trade.paid_amount,
                buyer_pay_amount=trade.paid_amount,
            )
        return answer

    def _close(self, biz):
        trade = self._trade(biz)
        if trade is None:
            return self._error("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST", "交易不存在")
        if trade.status != "WAIT_BUYER_PAY":
            return self._error(
                "40004", "Business Failed", "ACQ.TRADE_STATUS_ERROR", "交易状态不合法"
            )
        trade.status = "TRADE_CLOSED"
        return {
            "code": "10000",
            "msg": "Success",
            "trade_no": trade.trade_no,
            "out_trade_no": biz["out_trade_no"],
        }

    def _refund(self, biz):
        trade = self._trade(biz)
        if trade is None:
            return self._error("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST", "交易不存在")
        request_no = biz.get("out_request_no") or biz["out_trade_no"]
        fresh = request_no not in trade.refunds
        if fresh:
            if trade.status != "TRADE_SUCCESS":
                return self._error(
                    "40004", "Business Failed", "ACQ.TRADE_STATUS_ERROR", "交易状态不合法"
                )
            amount = Decimal(biz.get("refund_amount", "0"))
            if not 0 < amount <= Decimal(trade.paid_amount) - trade.refunded:
                return self._error(
                    "40004", "Business Failed", "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限"
                )
            if self.refuse_refunds:
                return self._error(
                    "40004", "Business Failed", "ACQ.SELLER_BALANCE_NOT_ENOUGH", "卖家余额不足"
                )
            trade.refunds[request_no] = _money(amount)
            if trade.refunded == Decimal(trade.paid_amount):
                trade.status = "TRADE_CLOSED"
        return {
            "code": "10000",
            "msg": "Success",
            "trade_no": trade.trade_no,
            "out_trade_no": biz["out_trade_no"],
            "buyer_logon_id": "159****5620",
            "fund_change": "Y" if fresh else "N",
            "refund_fee": _money(trade.refunded),
            "gmt_refund_pay": _beijing(),
        }

    # --- what the payer and Alipay do ----------------------------------------------------

    def pay(self, out_trade_no: str, paid: str | None = None) -> None:
        """The customer pays in the opened cashier (`paid`, in yuan: another amount, to misbehave)."""
        with self._lock:
            trade = self.trades[out_trade_no]
            trade.status, trade.gmt_payment = "TRADE_SUCCESS", _beijing()
            trade.paid_amount = _money(paid) if paid is not None else trade.total_amount

    def notify_payment(self, out_trade_no: str, **options) -> Sent:
        trade = self.trades[out_trade_no]
        return self.notify(out_trade_no, self._trade_fields(out_trade_no, trade), **options)

    def notify_refund(self, out_trade_no: str, out_request_no: str, **options) -> Sent:
        trade = self.trades[out_trade_no]
        fields = self._trade_fields(out_trade_no, trade)
        fields.update(
            out_biz_no=out_request_no, refund_fee=_money(trade.refunded), gmt_refund=_beijing()
        )
        return self.notify(out_trade_no, fields, **options)

    def _trade_fields(self, out_trade_no, trade) -> dict:
        paid = trade.paid_amount or trade.total_amount
        return {
            "app_id": self.appid,
            "trade_no": trade.trade_no,
            "out_trade_no": out_trade_no,
            "buyer_id": "2088102122524333",
            "seller_id": "2088101106499364",
            "trade_status": trade.status,
            "total_amount": paid,
            "receipt_amount": paid,
            "buyer_pay_amount": paid,
            "subject": trade.subject,
            "gmt_create": trade.gmt_create,
            "gmt_payment": trade.gmt_payment,
        }

    def notify(
        self,
        out_trade_no: str,
        fields: dict,
        *,
        signed_by=None,
        age: timedelta = timedelta(0),
        **overrides,
    ) -> Sent:
        """Send a notification; `signed_by` another key (a forgery), `age` old (a replay),
        `overrides` other fields (another app…)."""
        fields = {
            "notify_time": _beijing(datetime.now(BEIJING) - age),
            "notify_type": "trade_status_sync",
            "notify_id": uuid.uuid4().hex,
            "charset": "utf-8",
            "version": "1.0",
            **fields,
            **overrides,
        }
        fields = {key: value for key, value in fields.items() if value != ""}
        fields["sign"] = self._sign(_unsigned(fields), signed_by)
        fields["sign_type"] = "RSA2"
        return self.resend(Sent(self.trades[out_trade_no].notify_url, fields))

    def resend(self, sent: Sent) -> Sent:
        """Deliver a notification as it was first sent."""
        response = requests.post(sent.url, data=sent.fields, timeout=10)
        delivery = Sent(sent.url, sent.fields, response.status_code, response.text)
        self.sent.append(delivery)
        return delivery

    def _sign(self, text: str, key=None) -> str:
        return sign(key or self.alipay_key, text)
