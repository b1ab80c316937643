"""After-sales numbers for a range of shop days (docs/after-sales.md, "The numbers"), each figure
one SQL aggregate (GROUP BY), never a loop over cases:

- **Return rate**, of what was sold in the range: the orders placed in the range and completed
  (the only ones a case can be opened on). A case counts as "returned or refunded" when it is a
  return and refund, an exchange or a refund only, or reached "refunded", and was neither
  rejected nor withdrawn (open cases count). By units: units in counted cases ÷ units sold; by
  orders: orders with a counted case ÷ orders sold. Per product and per activity.
- **Reasons**: the cases opened in the range, every type and status, per activity and per
  product (a case with lines of two products counts for both), most frequent first.
- **Times**: of the cases opened in the range, from opening to the first answer (staff's or a
  rule's first step, or a message) and to closing (closed cases; withdrawn ones are left out):
  how many, the average and the median, in hours.

The range is `from` and `to` (YYYY-MM-DD, shop days, both included), by default the last
DEFAULT_DAYS days; a day that does not parse is left out and noted in `bad`.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from peewee import JOIN, fn

from models.activities.template import FormTemplate
from models.aftersales.case import AfterSalesCase, CaseKind, CaseLine, CaseStatus
from models.catalog.products import Product
from models.db import is_postgres
from models.orders.order import Order, OrderLine
from models.orders.status import OrderStatus
from models.params import shop_date
from models.shop_time import to_utc

DEFAULT_DAYS = 30
RETURN_KINDS = (CaseKind.RETURN_REFUND, CaseKind.EXCHANGE, CaseKind.REFUND_ONLY)
NOT_RETURNED = (CaseStatus.REJECTED, CaseStatus.CANCELLED)


@dataclass(frozen=True)
class DayRange:
    start: date
    end: date
    bad: dict[str, str] = field(default_factory=dict)  # argument -> the value left out

    @classmethod
    def from_args(cls, args, today: date) -> "DayRange":
        bad = {}

        def read(name: str) -> date | None:
            raw = (args.get(name) or "").strip()
            day = shop_date(raw) if raw else None
            if raw and day is None:
                bad[name] = raw[:40]
            return day

        end = read("to") or today
        start = read("from") or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            bad["from"] = start.isoformat()
            start = end - timedelta(days=DEFAULT_DAYS - 1)
        return cls(start, end, bad)

    def to_args(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}

    def bounds(self) -> tuple[datetime, datetime]:
        """The range as stored (naive UTC) times: from the first day's midnight, shop time,
        to the midnight after the last day (excluded)."""
        after = self.end + timedelta(days=1)
        return to_utc(datetime.combine(self.start, time())), to_utc(datetime.combine(after, time()))

    def holds(self, column):
        start, end = self.bounds()
        return (column >= start) & (column < end)


@dataclass(frozen=True)
class ReturnRow:
    key: int
    label: str
    units_sold: int
    orders_sold: int
    units_returned: int
    orders_returned: int
    cases: int

    @property
    def unit_rate(self) -> float | None:
        """Percent of the units sold that came back or were refunded."""
        return self.units_returned * 100 / self.units_sold if self.units_sold else None

    @property
    def order_rate(self) -> float | None:
        return self.orders_returned * 100 / self.orders_sold if self.orders_sold else None


@dataclass(frozen=True)
class ReasonRow:
    key: int
    label: str
    reason: str
    cases: int
    share: float  # percent of the group's cases


@dataclass(frozen=True)
class TimeRow:
    what: str  # "answer" or "close"
    cases: int
    average: float | None  # hours
    median: float | None


def counted_case():
    """A case that counts as returned or refunded (the SQL side of the definition above)."""
    return (
        AfterSalesCase.kind.in_(RETURN_KINDS) | (AfterSalesCase.status == CaseStatus.REFUNDED)
    ) & AfterSalesCase.status.not_in(NOT_RETURNED)


def _sold(days: DayRange):
    return days.holds(Order.created_at) & (Order.status == OrderStatus.COMPLETED)


def returns_by_product(days: DayRange) -> list[ReturnRow]:
    """Per product sold in the range (lines of a product only), most units returned first."""
    sold = (
        OrderLine.select(
            OrderLine.product, fn.SUM(OrderLine.quantity), fn.COUNT(fn.DISTINCT(Order.id))
        )
        .join(Order)
        .where(_sold(days), OrderLine.product.is_null(False))
        .group_by(OrderLine.product)
        .tuples()
    )
    back = _returned(days, OrderLine.product).where(OrderLine.product.is_null(False))
    names = dict(Product.select(Product.id, Product.name).tuples())
    return _rows(sold, back, names)


def returns_by_activity(days: DayRange) -> list[ReturnRow]:
    """Per activity (the order's form) with orders sold in the range."""
    sold = (
        Order.select(
            Order.template,
            fn.COALESCE(fn.SUM(OrderLine.quantity), 0),
            fn.COUNT(fn.DISTINCT(Order.id)),
        )
        .join(OrderLine, JOIN.LEFT_OUTER)
        .where(_sold(days))
        .group_by(Order.template)
        .tuples()
    )
    back = _returned(days, Order.template)
    names = dict(FormTemplate.select(FormTemplate.id, FormTemplate.title).tuples())
    return _rows(sold, back, names)


def _returned(days: DayRange, key):
    """Units, orders and cases returned or refunded of the orders sold in the range, by `key`."""
    return (
        CaseLine.select(
            key,
            fn.SUM(CaseLine.quantity),
            fn.COUNT(fn.DISTINCT(Order.id)),
            fn.COUNT(fn.DISTINCT(AfterSalesCase.id)),
        )
        .join(AfterSalesCase)
        .switch(CaseLine)
        .join(OrderLine)
        .join(Order)
        .where(_sold(days), counted_case())
        .group_by(key)
    )


def _rows(sold, back, names: dict[int, str]) -> list[ReturnRow]:
    returned = {key: rest for key, *rest in back.tuples()}
    rows = [
        ReturnRow(
            key, names.get(key, ""), int(units), orders, *map(int, returned.get(key, (0,) * 3))
        )
        for key, units, orders in sold
    ]
    return sorted(rows, key=lambda r: (-r.units_returned, -(r.unit_rate or 0), r.label, r.key))


def reasons_by_activity(days: DayRange) -> list[ReasonRow]:
    query = (
        AfterSalesCase.select(Order.template, AfterSalesCase.reason, fn.COUNT(AfterSalesCase.id))
        .join(Order)
        .where(days.holds(AfterSalesCase.created_at))
        .group_by(Order.template, AfterSalesCase.reason)
    )
    names = dict(FormTemplate.select(FormTemplate.id, FormTemplate.title).tuples())
    return _reasons(query.tuples(), names)


def reasons_by_product(days: DayRange) -> list[ReasonRow]:
    query = (
        AfterSalesCase.select(
            OrderLine.product, AfterSalesCase.reason, fn.COUNT(fn.DISTINCT(AfterSalesCase.id))
        )
        .join(CaseLine)
        .join(OrderLine)
        .where(days.holds(AfterSalesCase.created_at), OrderLine.product.is_null(False))
        .group_by(OrderLine.product, AfterSalesCase.reason)
    )
    names = dict(Product.select(Product.id, Product.name).tuples())
    return _reasons(query.tuples(), names)


def _reasons(grouped, names: dict[int, str]) -> list[ReasonRow]:
    """The grouped counts by group (most cases first), each group's reasons most frequent
    first."""
    counts = [(key, reason, int(cases)) for key, reason, cases in grouped]
    totals: dict[int, int] = {}
    for key, _reason, cases in counts:
        totals[key] = totals.get(key, 0) + cases
    counts.sort(key=lambda c: (-totals[c[0]], names.get(c[0], ""), c[0], -c[2], c[1]))
    return [
        ReasonRow(key, names.get(key, ""), reason, cases, cases * 100 / totals[key])
        for key, reason, cases in counts
    ]


def _hours_between(later, earlier):
    """The SQL expression of the hours from `earlier` to `later` (two stored times)."""
    if is_postgres():
        return fn.date_part("epoch", later - earlier) / 3600.0
    return (fn.julianday(later) - fn.julianday(earlier)) * 24.0


def _time_row(what: str, days: DayRange, moment, *conditions) -> TimeRow:
    hours = _hours_between(moment, AfterSalesCase.created_at)
    cases = AfterSalesCase.select().where(
        days.holds(AfterSalesCase.created_at), moment.is_null(False), *conditions
    )
    count, average = cases.select(fn.COUNT(AfterSalesCase.id), fn.AVG(hours)).tuples().get()
    if not count:
        return TimeRow(what, 0, None, None)
    # the median: the middle one (odd count) or the two middle ones, by the database's order
    middle = cases.select(hours).order_by(hours).offset((count - 1) // 2).limit(2 - count % 2)
    values = [float(value) for (value,) in middle.tuples()]
    return TimeRow(what, count, float(average), sum(values) / len(values))


def times(days: DayRange) -> list[TimeRow]:
    """To the first answer and to closing, for the cases opened in the range."""
    return [
        _time_row("answer", days, AfterSalesCase.first_answer_at),
        _time_row(
            "close", days, AfterSalesCase.closed_at, AfterSalesCase.status == CaseStatus.CLOSED
        ),
    ]
