"""The payment providers' statement files, read line by line: WeChat Pay's trade bill (交易账单)
and Alipay's business detail file (业务明细), both CSV, in UTF-8 or GBK.

`parse_bill(data)` tells the two apart by their header row and gives a `ParsedBill`: the lines
it could read and, per row it could not, a `RowError` (its number and why). A file that is neither is
an `UnreadableBill`. Nothing in a file makes it raise anything else.

Both providers write their times in Beijing time, whatever the shop's zone. Amounts are yuan with
two decimals; lines hold fen. A fee is what the provider kept: positive on a payment, negative
on a refund (the fee given back), whichever sign the file uses.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from models.errors import DomainError

PROVIDER_ZONE = ZoneInfo("Asia/Shanghai")
PAYMENT, REFUND = "payment", "refund"
MAX_YUAN = Decimal(10) ** 9

WECHAT_COLUMNS = [
    "交易时间",
    "公众账号ID",
    "商户号",
    "特约商户号",
    "设备号",
    "微信订单号",
    "商户订单号",
    "用户标识",
    "交易类型",
    "交易状态",
    "付款银行",
    "货币种类",
    "应结订单金额",
    "代金券金额",
    "微信退款单号",
    "商户退款单号",
    "退款金额",
    "充值券退款金额",
    "退款类型",
    "退款状态",
    "商品名称",
    "商户数据包",
    "手续费",
    "费率",
    "订单金额",
    "申请退款金额",
    "费率备注",
]
WECHAT_SUMMARY = "总交易单数"
ALIPAY_COLUMNS = [
    "支付宝交易号",
    "商户订单号",
    "业务类型",
    "商品名称",
    "创建时间",
    "完成时间",
    "门店编号",
    "门店名称",
    "操作员",
    "终端号",
    "对方账户",
    "订单金额（元）",
    "商家实收（元）",
    "支付宝红包（元）",
    "集分宝（元）",
    "支付宝优惠（元）",
    "商家优惠（元）",
    "券核销金额（元）",
    "券名称",
    "商家红包消费金额（元）",
    "卡消费金额（元）",
    "退款批次号/请求号",
    "服务费（元）",
    "分润（元）",
    "备注",
]


class BillTooLarge(DomainError):
    message = _l("This file is too large for a bill.")


class UnreadableBill(DomainError):
    message = _l(
        "This is not a WeChat Pay trade bill or an Alipay business detail file (CSV) we can read."
    )


@dataclass(frozen=True)
class BillRow:
    row: int  # the line's number in the file, from 1
    kind: str  # PAYMENT or REFUND
    occurred_at: datetime  # naive UTC
    transaction_id: str  # 微信订单号 / 支付宝交易号
    out_trade_no: str  # 商户订单号
    refund_no: str  # 商户退款单号 / 退款批次号, refunds only
    amount: int  # fen, positive: paid, or refunded
    fee: int  # fen the provider kept (negative: given back with a refund)
    note: str  # the product name, and WeChat's attach (商户数据包) or Alipay's remark (备注)


@dataclass
class ParsedBill:
    provider: str  # "wechat" or "alipay", as Payment.method names them
    rows: list[BillRow] = field(default_factory=list)
    errors: list["RowError"] = field(default_factory=list)
    skipped: int = 0  # rows that move no money (a revoked trade, a closed one)


def parse_bill(data: bytes, limit: int | None = None) -> ParsedBill:
    """The bill in `data`; UnreadableBill when it is neither provider's format, BillTooLarge
    when it has more than `limit` bytes (an upload is read no further than one byte past it)."""
    if limit is not None and len(data) > limit:
        raise BillTooLarge(_l("Choose a bill file of at most %(mb)s MB.", mb=limit // 2**20))
    text = _decoded(data)
    rows = list(_rows(text))
    for index, (_, cells) in enumerate(rows):
        header = [_clean(cell) for cell in cells]
        if header[:3] == WECHAT_COLUMNS[:3]:
            return _read("wechat", rows[index + 1 :], _wechat_line)
        if header[:3] == ALIPAY_COLUMNS[:3]:
            return _read("alipay", rows[index + 1 :], _alipay_line)
    raise UnreadableBill()


def _decoded(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # GB18030 reads every GBK file
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableBill()


def _rows(text: str):
    """(line number, cells) of every line; a line csv cannot read is one cell."""
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            cells = next(csv.reader(io.StringIO(line)), [])
        except csv.Error:
            cells = [line]
        yield number, cells


def _clean(cell: str) -> str:
    """A cell without WeChat's leading backtick and Alipay's padding tabs."""
    return cell.strip().lstrip("`").strip()


ROW_ERRORS = {
    "columns": _l("%(found)s columns where %(wanted)s were expected."),
    "status": _l("Unknown trade status “%(status)s”."),
    "business": _l("Unknown business type “%(kind)s”."),
    "no_transaction": _l("No transaction number."),
    "zero": _l("The amount is 0."),
    "amount": _l("“%(value)s” in %(column)s is not an amount."),
    "time": _l("“%(value)s” is not a time."),
}


@dataclass(frozen=True)
class RowError:
    """Why a row could not be read: a key of ROW_ERRORS and its values, kept as they are so
    the words follow the language of whoever reads them later."""

    row: int
    code: str
    values: dict = field(default_factory=dict)

    def __str__(self) -> str:
        text = str(ROW_ERRORS.get(self.code, self.code))
        return text % self.values if self.values else text


class _RowError(ValueError):
    def __init__(self, code: str, **values):
        super().__init__(code)
        self.code, self.values = code, values


def _read(provider, rows, read_line) -> ParsedBill:
    bill = ParsedBill(provider)
    for number, cells in rows:
        first = _clean(cells[0]) if cells else ""
        if not any(_clean(cell) for cell in cells) or first.startswith("#"):
            continue
        if first == WECHAT_SUMMARY:
            break  # the summary: the totals line follows, then nothing
        try:
            line = read_line(number, [_clean(cell) for cell in cells])
        except _RowError as error:
            bill.errors.append(RowError(number, error.code, error.values))
            continue
        if line is None:
            bill.skipped += 1
        else:
            bill.rows.append(line)
    return bill


def _cells(cells: list[str], columns) -> dict[str, str]:
    if len(cells) < len(columns):
        raise _RowError("columns", found=len(cells), wanted=len(columns))
    return dict(zip(columns, cells, strict=False))


def _wechat_line(number: int, cells: list[str]) -> BillRow | None:
    row = _cells(cells, WECHAT_COLUMNS)
    status = row["交易状态"].upper()
    if status == "SUCCESS":
        kind, amount = PAYMENT, _fen(row["应结订单金额"] or row["订单金额"], "应结订单金额")
    elif status == "REFUND":
        kind, amount = REFUND, _fen(row["退款金额"] or row["申请退款金额"], "退款金额")
    elif status in ("REVOKED", "CLOSED", "NOTPAY", "PAYERROR"):
        return None
    else:
        raise _RowError("status", status=row["交易状态"][:20])
    return _line(
        number,
        kind,
        when=row["交易时间"],
        transaction_id=row["微信订单号"],
        out_trade_no=row["商户订单号"],
        refund_no=row["商户退款单号"] if kind == REFUND else "",
        amount=amount,
        fee=_fen(row["手续费"] or "0", "手续费"),
        note=f"{row['商品名称']} {row['商户数据包']}".strip(),
    )


def _alipay_line(number: int, cells: list[str]) -> BillRow | None:
    row = _cells(cells, ALIPAY_COLUMNS)
    business = row["业务类型"]
    if business == "交易":
        kind = PAYMENT
    elif business == "退款":
        kind = REFUND
    else:
        raise _RowError("business", kind=business[:20])
    received = row["商家实收（元）"] or row["订单金额（元）"]
    return _line(
        number,
        kind,
        when=row["完成时间"] or row["创建时间"],
        transaction_id=row["支付宝交易号"],
        out_trade_no=row["商户订单号"],
        refund_no=row["退款批次号/请求号"] if kind == REFUND else "",
        amount=_fen(received, "商家实收（元）"),
        fee=_fen(row["服务费（元）"] or "0", "服务费（元）"),
        note=f"{row['商品名称']} {row['备注']}".strip(),
    )


def _line(number, kind, *, when, transaction_id, out_trade_no, refund_no, amount, fee, note):
    if not transaction_id:
        raise _RowError("no_transaction")
    amount, fee = abs(amount), abs(fee)
    if amount == 0:
        raise _RowError("zero")
    return BillRow(
        row=number,
        kind=kind,
        occurred_at=_time(when),
        transaction_id=transaction_id[:64],
        out_trade_no=out_trade_no[:64],
        refund_no=refund_no[:64],
        amount=amount,
        fee=fee if kind == PAYMENT else -fee,
        note=note[:200],
    )


def _fen(text: str, column: str) -> int:
    """Yuan as the bills write them ("12.50", "-0.08", "¥1,200.00") in fen."""
    cleaned = text.replace(",", "").lstrip("¥￥").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or abs(value) >= MAX_YUAN or value != round(value, 2):
        raise _RowError("amount", value=text[:20], column=column)
    return int(value * 100)


def _time(text: str) -> datetime:
    """A bill's Beijing time as naive UTC."""
    for layout in ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M"):
        try:
            moment = datetime.strptime(text, layout)
        except ValueError:
            continue
        if moment.year >= 2000:
            return moment.replace(tzinfo=PROVIDER_ZONE).astimezone(UTC).replace(tzinfo=None)
    raise _RowError("time", value=text[:20])
