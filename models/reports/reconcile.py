"""Importing a provider's bill and matching it, line by line, against Jielong's money.

`import_bill` reads the file (models/reports/bills.py) and keeps it as a `BillImport` with its
lines, in one transaction. `match_bill` matches every line with a payment (or refund) of the
provider's method, and lists what Jielong has in the bill's days that the bill lacks; it can run
again (after a payment was recorded, say) and replaces the previous result.

A line finds its money, first rule wins, among what no line took yet:
0. a refund line by its merchant refund number (商户退款单号, 退款批次号), our refund's
   `out_refund_no`;
1. by the provider's transaction id, when Jielong kept it (`provider_txn_id`, or typed into a
   payment's note);
2. by an order number among the digits of the merchant order number (商户订单号) or the note
   (product name, Alipay's remark): that order's money of the same amount, the nearest in time;
3. by the same amount within MATCH_MINUTES of the line, the nearest in time;
4. that order's money of another amount, the nearest in time: the amounts differ.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask import current_app

from models.accounts.user import User
from models.base import utcnow
from models.db import db, locked
from models.params import positive_id
from models.reports.bills import PROVIDER_ZONE, RowError, parse_bill
from models.reports.imports import (
    AMOUNT_MISMATCH,
    MATCHED,
    ONLY_IN_BILL,
    ONLY_IN_JIELONG,
    BillImport,
    BillLine,
)
from models.reports.ledger import Money, payments_between, refunds_between
from models.shop_time import shop_day

MATCH_MINUTES = 15
SLACK = timedelta(days=2)  # staff may record a payment a while after it came
DIGITS = re.compile(r"[0-9]+")


def import_bill(data: bytes, filename: str, user: User | None) -> BillImport:
    """Read and keep the bill in `data`; UnreadableBill when it is no bill we know,
    BillTooLarge past UPLOAD_MAX_BYTES."""
    bill = parse_bill(data, current_app.config["UPLOAD_MAX_BYTES"])
    times = [row.occurred_at for row in bill.rows]
    with db.atomic():
        kept = BillImport.create(
            provider=bill.provider,
            filename=(filename or "")[:200],
            uploaded_by=user,
            starts_at=min(times, default=None),
            ends_at=max(times, default=None),
            errors=[[error.row, error.code, error.values] for error in bill.errors],
            skipped=bill.skipped,
        )
        rows = [
            dict(
                bill_import=kept.id,
                row=row.row,
                kind=row.kind,
                occurred_at=row.occurred_at,
                transaction_id=row.transaction_id,
                out_trade_no=row.out_trade_no,
                refund_no=row.refund_no,
                amount=row.amount,
                fee=row.fee,
                note=row.note,
            )
            for row in bill.rows
        ]
        for start in range(0, len(rows), 500):
            BillLine.insert_many(rows[start : start + 500]).execute()
    return kept


def bill_days(bill_import: BillImport) -> tuple[datetime, datetime] | None:
    """The whole provider days (Beijing time) the bill's lines fall in, as naive UTC."""
    if bill_import.starts_at is None:
        return None

    def day_start(stored: datetime, days: int) -> datetime:
        local = stored.replace(tzinfo=UTC).astimezone(PROVIDER_ZONE)
        start = local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=days)
        return start.astimezone(UTC).replace(tzinfo=None)

    return day_start(bill_import.starts_at, 0), day_start(bill_import.ends_at, 1)


def match_bill(bill_import: BillImport) -> BillImport:
    """Match the bill's lines (again) and keep the outcome, in one transaction."""
    with db.atomic():
        current = locked(BillImport.select().where(BillImport.id == bill_import.id)).get()
        BillLine.delete().where(
            BillLine.bill_import == current.id, BillLine.row.is_null()
        ).execute()
        days = bill_days(current)
        if days:
            start, end = days[0] - SLACK, days[1] + SLACK
            pools = {
                "payment": _Pool(payments_between(start, end, current.provider)),
                "refund": _Pool(refunds_between(start, end, current.provider)),
            }
            for line in current.lines.order_by(BillLine.row):
                _settle(line, pools[line.kind].take(line))
            missing = [
                _only_in_jielong(current, money)
                for pool in pools.values()
                for money in pool.left()
                if days[0] <= money.at < days[1]
            ]
            for first in range(0, len(missing), 500):
                BillLine.insert_many(missing[first : first + 500]).execute()
        BillImport.update(matched_at=utcnow()).where(BillImport.id == current.id).execute()
    return BillImport.get_by_id(current.id)


class _Pool:
    """Jielong's payments (or refunds) a bill's lines may take, each once, looked up by
    reference, order number and amount."""

    def __init__(self, entries: list[Money]):
        self.entries = entries
        self.taken: set[int] = set()
        self.referenced = [m for m in entries if m.reference]
        self.by_order: dict[int, list[Money]] = defaultdict(list)
        self.by_amount: dict[int, list[Money]] = defaultdict(list)
        for money in entries:
            self.by_order[money.order_number].append(money)
            self.by_amount[money.amount].append(money)

    def take(self, line: BillLine) -> Money | None:
        """The line's money, by the rules in the module's docstring; None when it has none."""
        found = self._find(line)
        if found is not None:
            self.taken.add(found.key)
        return found

    def left(self) -> list[Money]:
        return [money for money in self.entries if money.key not in self.taken]

    def _free(self, candidates) -> list[Money]:
        return [money for money in candidates if money.key not in self.taken]

    def _find(self, line: BillLine) -> Money | None:
        if line.refund_no:
            for money in self._free(self.referenced):
                if money.reference == line.refund_no:
                    return money
        if line.transaction_id:
            for money in self._free(self.referenced):
                if line.transaction_id in money.reference:
                    return money
        numbers = {positive_id(d) for d in DIGITS.findall(f"{line.out_trade_no} {line.note}")}
        of_order = self._free(m for n in numbers if n for m in self.by_order.get(n, ()))
        same = [money for money in of_order if money.amount == line.amount]
        if same:
            return _nearest(line, same)
        window = timedelta(minutes=MATCH_MINUTES)
        near = [
            money
            for money in self._free(self.by_amount.get(line.amount, ()))
            if abs(money.at - line.occurred_at) <= window
        ]
        return _nearest(line, near or of_order)


def _nearest(line: BillLine, candidates: list[Money]) -> Money | None:
    return min(candidates, key=lambda m: (abs(m.at - line.occurred_at), m.key), default=None)


def _settle(line: BillLine, money: Money | None) -> None:
    if money is None:
        outcome, number, key, amount = ONLY_IN_BILL, None, None, None
    else:
        outcome = MATCHED if money.amount == line.amount else AMOUNT_MISMATCH
        number, key, amount = money.order_number, money.key, money.amount
    BillLine.update(
        outcome=outcome, order_number=number, jielong_key=key, jielong_amount=amount
    ).where(BillLine.id == line.id).execute()


def _only_in_jielong(bill_import: BillImport, money: Money) -> dict:
    return dict(
        bill_import=bill_import.id,
        row=None,
        kind=money.kind,
        occurred_at=money.at,
        outcome=ONLY_IN_JIELONG,
        order_number=money.order_number,
        jielong_key=money.key,
        jielong_amount=money.amount,
        note=money.reference[:200],
    )


@dataclass
class BillResult:
    bill_import: BillImport
    lines: list[BillLine]  # the bill's, by row
    missing: list[BillLine]  # what only Jielong has, by time
    outcomes: Counter  # outcome -> lines
    fees: dict[date, int]  # shop day -> fen

    @property
    def errors(self) -> list[RowError]:
        """The rows of the file that could not be read, in the reader's language."""
        return [RowError(row, code, values) for row, code, values in self.bill_import.errors]

    @property
    def fee_total(self) -> int:
        return sum(self.fees.values())

    @property
    def problems(self) -> list[BillLine]:
        """Every line that did not match, the bill's first."""
        return [line for line in self.lines if line.outcome != MATCHED] + self.missing


def bill_result(bill_import: BillImport) -> BillResult:
    lines = list(
        bill_import.lines.order_by(BillLine.row.is_null(), BillLine.row, BillLine.occurred_at)
    )
    found = [line for line in lines if line.row is not None]
    missing = [line for line in lines if line.row is None]
    fees: dict[date, int] = defaultdict(int)
    for line in found:
        fees[shop_day(line.occurred_at)] += line.fee
    return BillResult(
        bill_import,
        found,
        missing,
        Counter(line.outcome for line in lines if line.outcome),
        dict(sorted(fees.items())),
    )


def recent_imports(limit: int = 20) -> list[BillImport]:
    return list(
        BillImport.select()
        .order_by(BillImport.created_at.desc(), BillImport.id.desc())
        .limit(limit)
    )
