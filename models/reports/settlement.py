"""The settlement report: per shop day and payment method, what orders should bring in
(expected), what came in (received), what went back (refunded), what the provider kept (fees,
from its imported bills) and what is left (net).

Expected counts the orders placed that day, not cancelled, by the method of their first payment
("" for orders not paid, as in the sales report). Collected and refunded count the money on the
day it moved (models/reports/ledger.py), so an order placed on Monday and paid on Tuesday is
expected on Monday and received on Tuesday. Fees are summed per day over every bill imported,
each provider's line counted once however many imports hold it (the newest wins).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l

from models.orders.order import Order
from models.orders.payments import METHODS, Payment
from models.orders.status import OrderStatus
from models.reports.imports import BillImport, BillLine
from models.reports.ledger import payments_between, refunds_between
from models.reports.sales import SalesQuery
from models.shop_time import shop_day, shop_zone

NOT_PAID = _l("Not paid")


@dataclass(frozen=True)
class SettlementQuery:
    start: date
    end: date
    bad: dict[str, str]

    @classmethod
    def from_args(cls, args, today: date) -> "SettlementQuery":
        """`from` and `to` read as the sales report reads them (the last 30 days by default)."""
        dates = SalesQuery.from_args({name: args.get(name) for name in ("from", "to")}, today)
        return cls(dates.start, dates.end, dates.bad)

    def to_args(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}

    def bounds(self) -> tuple[datetime, datetime]:
        """The stored (naive UTC) times the range starts and ends at."""
        return utc_start(self.start), utc_start(self.end + timedelta(days=1))


def utc_start(day: date) -> datetime:
    """When the shop day `day` starts, as stored (naive UTC)."""
    return datetime.combine(day, time(), shop_zone()).astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Figures:
    orders: int = 0
    expected: int = 0  # fen
    payments: int = 0
    received: int = 0
    refunded: int = 0
    fees: int = 0

    @property
    def net(self) -> int:
        return self.received - self.refunded - self.fees

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(*(a + b for a, b in zip(self.values(), other.values(), strict=True)))

    def values(self) -> tuple[int, ...]:
        return (
            self.orders,
            self.expected,
            self.payments,
            self.received,
            self.refunded,
            self.fees,
        )


@dataclass(frozen=True)
class SettlementRow:
    day: date
    method: str  # a METHODS key, or "" for orders not paid
    figures: Figures

    @property
    def label(self) -> str:
        return method_label(self.method)


@dataclass
class Settlement:
    query: SettlementQuery
    rows: list[SettlementRow]  # by day, then method; only days and methods with figures
    methods: list[SettlementRow]  # per method over the range (`day` is the range's start)
    total: Figures


def method_label(method: str) -> str:
    return str(METHODS.get(method, method or NOT_PAID))


def settlement(query: SettlementQuery) -> Settlement:
    start, end = query.bounds()
    cells: dict[tuple[date, str], list[int]] = defaultdict(lambda: [0] * 6)
    for day, method, total in _orders(start, end):
        cells[(day, method)][0] += 1
        cells[(day, method)][1] += total
    for money in payments_between(start, end):
        cell = cells[(shop_day(money.at), money.method)]
        cell[2] += 1
        cell[3] += money.amount
    for money in refunds_between(start, end):
        cells[(shop_day(money.at), money.method)][4] += money.amount
    for (day, method), fee in fees_by_day(start, end).items():
        cells[(day, method)][5] += fee
    order = [*METHODS, ""]
    rows = [
        SettlementRow(day, method, Figures(*cells[(day, method)]))
        for day, method in sorted(cells, key=lambda k: (k[0], _rank(order, k[1])))
    ]
    per_method: dict[str, Figures] = defaultdict(Figures)
    for row in rows:
        per_method[row.method] += row.figures
    methods = [
        SettlementRow(query.start, method, per_method[method])
        for method in sorted(per_method, key=lambda m: _rank(order, m))
    ]
    return Settlement(query, rows, methods, sum((r.figures for r in rows), Figures()))


def _rank(order: list[str], method: str) -> int:
    return order.index(method) if method in order else len(order)


def _orders(start: datetime, end: datetime):
    """(shop day, method of the first payment or "", total) of the orders placed in [start,
    end), not cancelled."""
    orders = list(
        Order.select(Order.id, Order.created_at, Order.total)
        .where(
            Order.created_at >= start,
            Order.created_at < end,
            Order.status != OrderStatus.CANCELLED,
        )
        .tuples()
    )
    first: dict[int, str] = {}
    ids = [order_id for order_id, _, _ in orders]
    for chunk in range(0, len(ids), 500):
        query = (
            Payment.select(Payment.order, Payment.method)
            .where(Payment.order.in_(ids[chunk : chunk + 500]))
            .order_by(Payment.created_at, Payment.id)
        )
        for order_id, method in query.tuples():
            first.setdefault(order_id, method)
    for order_id, created_at, total in orders:
        yield shop_day(created_at), first.get(order_id, ""), total


def fees_by_day(start: datetime, end: datetime) -> dict[tuple[date, str], int]:
    """{(shop day, provider): fen} of the fees in the imported bills' lines in [start, end);
    a line held by several imports counts once, as the newest import has it."""
    lines = (
        BillLine.select(
            BillImport.provider,
            BillLine.kind,
            BillLine.transaction_id,
            BillLine.refund_no,
            BillLine.occurred_at,
            BillLine.fee,
        )
        .join(BillImport)
        .where(
            BillLine.row.is_null(False),
            BillLine.occurred_at >= start,
            BillLine.occurred_at < end,
        )
        .order_by(BillImport.id)
        .tuples()
    )
    newest = {}
    for provider, kind, transaction_id, refund_no, at, fee in lines:
        newest[(provider, kind, transaction_id, refund_no)] = (shop_day(at), fee)
    fees: dict[tuple[date, str], int] = defaultdict(int)
    for (provider, *_), (day, fee) in newest.items():
        fees[(day, provider)] += fee
    return dict(fees)
