"""The customers report, read from the customers' rollups (models/reports/rollups.py) alone:
CustomerDay, CustomerSpan and CustomerMonth, each figure a grouped query that leaves the counting
to the database and gives a few rows (docs/reports.md, "The customers report").

- new and returning customers per period (new: their first order ever falls in that period);
- the repeat rate: of the customers who ordered in the range, those with two orders or more by
  its end;
- cohorts: customers by the month of their first order (the range's months, the last twelve at
  most) × the months after it in which they ordered again;
- the top customers by what they spent in the range;
- RFM segments as of the range's last day, over every activity: recency (days since the last
  order) and frequency (orders) put each customer in one cell of a 3 × 3 grid, each cell in one
  segment; monetary (what they spent) is shown beside. `segment_members` gives the same
  customers as SQL, for the customer list filtered to a segment.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from peewee import SQL, Case, Select, fn

from models.customers.customer import Customer
from models.db import db, is_postgres
from models.reports.rollups import CustomerDay, CustomerMonth, CustomerSpan
from models.reports.sales import SalesQuery, period_of

TOP = 20
MAX_COHORTS = 12
RECENT_DAYS, LAPSING_DAYS = 30, 90  # recency bands: 0-30 days, 31-90, more
SEGMENTS = {
    "champions": _l("Champions"),
    "loyal": _l("Loyal"),
    "promising": _l("Promising"),
    "new": _l("New"),
    "attention": _l("Need attention"),
    "at_risk": _l("At risk"),
    "lost": _l("Lost"),
}
SEGMENT_RULES = {
    "champions": _l("last order within 30 days, 3 orders or more"),
    "loyal": _l("last order 31 to 90 days ago, 3 orders or more"),
    "promising": _l("last order within 30 days, 2 orders"),
    "new": _l("last order within 30 days, their first"),
    "attention": _l("last order 31 to 90 days ago, 1 or 2 orders"),
    "at_risk": _l("last order more than 90 days ago, 2 orders or more"),
    "lost": _l("last order more than 90 days ago, 1 order"),
}
# (recency band, frequency band) -> segment; bands: 0 recent / 1 lapsing / 2 dormant and
# 0 one order / 1 two / 2 three or more
GRID = {
    (0, 0): "new",
    (0, 1): "promising",
    (0, 2): "champions",
    (1, 0): "attention",
    (1, 1): "attention",
    (1, 2): "loyal",
    (2, 0): "lost",
    (2, 1): "at_risk",
    (2, 2): "at_risk",
}


def customers_query(args, today: date) -> SalesQuery:
    """The sales report's range, grouping and activity (customers have no point or method)."""
    return SalesQuery.from_args(
        {name: args[name] for name in ("from", "to", "group", "activity") if name in args}, today
    )


def segment_of(days_since: int, orders: int) -> str:
    recency = 0 if days_since <= RECENT_DAYS else 1 if days_since <= LAPSING_DAYS else 2
    return GRID[(recency, min(orders, 3) - 1)]


def segment_members(segment: str, on: date):
    """A query of the ids of the customers in `segment` as of the day `on` (SEGMENTS)."""
    last, orders = fn.MAX(CustomerDay.day), fn.SUM(CustomerDay.orders)
    recent_from = on - timedelta(days=RECENT_DAYS)
    lapsing_from = on - timedelta(days=LAPSING_DAYS)
    recency = (
        last >= recent_from,
        (last >= lapsing_from) & (last < recent_from),
        last < lapsing_from,
    )
    frequency = (orders == 1, orders == 2, orders >= 3)
    cells = [recency[r] & frequency[f] for (r, f), name in GRID.items() if name == segment]
    having = cells[0]
    for cell in cells[1:]:
        having |= cell
    return (
        CustomerDay.select(CustomerDay.customer)
        .where(CustomerDay.day <= on, CustomerDay.orders > 0)
        .group_by(CustomerDay.customer)
        .having(having)
    )


@dataclass(frozen=True)
class PeriodRow:
    key: date
    label: str
    customers: int
    new: int

    @property
    def returning(self) -> int:
        return self.customers - self.new


@dataclass(frozen=True)
class CohortRow:
    month: date
    label: str
    counts: list[int]  # customers who ordered 0, 1, 2 … months after their first month

    @property
    def size(self) -> int:
        return self.counts[0]

    def share(self, months: int) -> int:
        """Percent of the cohort that ordered `months` after its first month."""
        return round(self.counts[months] * 100 / self.size) if self.size else 0


@dataclass(frozen=True)
class TopRow:
    customer: int
    name: str
    orders: int
    revenue: int
    last: date


@dataclass(frozen=True)
class SegmentRow:
    key: str
    label: str
    rule: str
    customers: int
    orders: int
    revenue: int

    @property
    def average(self) -> int:
        return round(self.revenue / self.customers) if self.customers else 0


@dataclass
class CustomersReport:
    query: SalesQuery
    customers: int  # who ordered in the range
    new: int
    repeaters: int  # of them, with two orders or more by the end of the range
    periods: list[PeriodRow]
    cohorts: list[CohortRow]
    top: list[TopRow]
    segments: list[SegmentRow]

    @property
    def returning(self) -> int:
        return self.customers - self.new

    @property
    def repeat_rate(self) -> int:
        return round(self.repeaters * 100 / self.customers) if self.customers else 0

    @property
    def cohort_months(self) -> int:
        return max((len(row.counts) for row in self.cohorts), default=0)


def _months(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


def _add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _period(field, group: str):
    """SQL of the first day of the period (models/reports/sales.py period_of) of a day column."""
    if group == "day":
        return field
    if is_postgres():
        return fn.DATE_TRUNC(group, field).cast("date")
    if group == "week":
        return fn.date(field, "weekday 0", "-6 days")  # the Monday of the week
    return fn.strftime("%Y-%m-01", field)


def _in_range(query: SalesQuery, start: date | None = None):
    """CustomerDay's rows of the range (from `start` if given) and activity."""
    where = (CustomerDay.day >= (start or query.start)) & (CustomerDay.day <= query.end)
    if query.activity is not None:
        where &= CustomerDay.activity == query.activity
    return where & (CustomerDay.orders > 0)


def _spans(query: SalesQuery):
    return CustomerSpan.activity == (query.activity or 0)


def customers_report(query: SalesQuery) -> CustomersReport:
    """Every figure from grouped queries that give a few rows: the range's CustomerDay rows
    (read from their index alone) and the CustomerSpan rows of first orders."""
    start, end = query.start, query.end
    top, customers = _top(query)
    first, second = CustomerSpan.first_day, CustomerSpan.second_day
    single = Case(None, [(second.is_null() | (second > end), 1)], 0)
    new, singles = (
        CustomerSpan.select(fn.COUNT(CustomerSpan.id), fn.SUM(single))
        .where(_spans(query), first >= start, first <= end)
        .tuples()
        .get()
    )
    first_cohort = max(start.replace(day=1), _add_months(end.replace(day=1), 1 - MAX_COHORTS))
    return CustomersReport(
        query=query,
        customers=customers,
        new=new or 0,
        repeaters=customers - (singles or 0),
        periods=_periods(query),
        cohorts=_cohorts(query, first_cohort),
        top=top,
        segments=_segments(end),
    )


def _periods(query: SalesQuery) -> list[PeriodRow]:
    """Per period: customers who ordered in it (within the range), and of them those whose first
    order falls in that period."""
    group, start = query.group, query.start
    period = _period(CustomerDay.day, group)
    ordered = {
        _day(key): n
        for key, n in CustomerDay.select(period, fn.COUNT(CustomerDay.customer.distinct()))
        .where(_in_range(query))
        .group_by(period)
        .tuples()
    }
    first = CustomerSpan.first_day
    new = {
        _day(key): n
        for key, n in CustomerSpan.select(_period(first, group), fn.COUNT(CustomerSpan.id))
        .where(_spans(query), first >= start, first <= query.end)
        .group_by(_period(first, group))
        .tuples()
    }
    opening = period_of(start, group)
    if opening < start:  # first ordered before the range in its first period, and again in it
        again = CustomerDay.select(CustomerDay.customer).where(
            _in_range(query) & (CustomerDay.day < _add_period(opening, group))
        )
        early = CustomerSpan.select(fn.COUNT(CustomerSpan.id)).where(
            _spans(query), first >= opening, first < start, CustomerSpan.customer.in_(again)
        )
        new[opening] = new.get(opening, 0) + (early.scalar() or 0)
    days = (start + timedelta(days=n) for n in range(query.days))
    return [
        PeriodRow(key, key.isoformat(), ordered.get(key, 0), new.get(key, 0))
        for key in sorted({period_of(day, group) for day in days})
    ]


def _add_period(first: date, group: str) -> date:
    return _add_months(first, 1) if group == "month" else first + timedelta(days=7)


def _cohorts(query: SalesQuery, first_cohort: date) -> list[CohortRow]:
    """Customers by the month of their first order × the months they ordered in: CustomerMonth,
    from its index alone; when orders are counted after the range's end in its last month (a
    range that ends before today), that month from the CustomerDay rows up to the end."""
    end = query.end
    end_month = end.replace(day=1)
    found = defaultdict(dict)
    partial = (
        CustomerDay.select()
        .where(
            CustomerDay.day > end,
            CustomerDay.day < _add_months(end_month, 1),
            CustomerDay.orders > 0,
        )
        .exists()
    )
    rows = (
        CustomerMonth.select(CustomerMonth.cohort, CustomerMonth.month, fn.COUNT(CustomerMonth.id))
        .where(
            CustomerMonth.activity == (query.activity or 0),
            CustomerMonth.cohort >= first_cohort,
            CustomerMonth.month < end_month if partial else CustomerMonth.month <= end,
        )
        .group_by(CustomerMonth.cohort, CustomerMonth.month)
        .tuples()
    )
    if partial:
        cohort = _period(CustomerSpan.first_day, "month")
        rows = list(rows) + [
            (first, end_month, n)
            for first, n in CustomerDay.select(cohort, fn.COUNT(CustomerDay.customer.distinct()))
            .join(CustomerSpan, on=(CustomerSpan.customer == CustomerDay.customer) & _spans(query))
            .where(_in_range(query, end_month), CustomerSpan.first_day >= first_cohort)
            .group_by(cohort)
            .tuples()
        ]
    for first, ordered, n in rows:
        found[_day(first)][_months(_day(first), _day(ordered))] = n
    cohorts = []
    for n in range(_months(first_cohort, end) + 1):
        first = _add_months(first_cohort, n)
        counts = [found[first].get(after, 0) for after in range(_months(first, end) + 1)]
        cohorts.append(CohortRow(first, f"{first:%Y-%m}", counts))
    return cohorts


def _top(query: SalesQuery) -> tuple[list[TopRow], int]:
    """The TOP customers who spent most in the range, and how many customers ordered in it (the
    groups, counted by a window over them)."""
    revenue, orders = fn.SUM(CustomerDay.revenue), fn.SUM(CustomerDay.orders)
    groups = fn.COUNT(SQL("*")).over()
    chosen = list(
        CustomerDay.select(CustomerDay.customer, orders, revenue, fn.MAX(CustomerDay.day), groups)
        .where(_in_range(query))
        .group_by(CustomerDay.customer)
        .order_by(revenue.desc(), orders.desc(), CustomerDay.customer)
        .limit(TOP)
        .tuples()
    )
    ids = [row[0] for row in chosen]
    names = dict(
        Customer.select(Customer.id, Customer.name).where(Customer.id.in_(ids)).tuples()
        if ids
        else []
    )
    top = [
        TopRow(c, names.get(c, f"#{c}"), int(n), int(spent or 0), _day(last))
        for c, n, spent, last, _ in chosen
    ]
    return top, (chosen[0][4] if chosen else 0)


def _segment_case(last, orders, on: date):
    """SQL of a customer's segment as of `on` from their last order day and their orders."""
    recent_from = on - timedelta(days=RECENT_DAYS)
    lapsing_from = on - timedelta(days=LAPSING_DAYS)
    recency = (last >= recent_from, last >= lapsing_from, True)
    frequency = (orders == 1, orders == 2, orders >= 3)
    cells = []
    for r in range(3):  # first match wins: the most recent band first
        for f in range(3):
            condition = frequency[f] if r == 2 else recency[r] & frequency[f]
            cells.append((condition, GRID[(r, f)]))
    return Case(None, cells)


def _segments(on: date) -> list[SegmentRow]:
    """Every customer with an order by `on`, in every activity, in one segment. From the spans
    when no order is counted after `on` (the usual case: `on` is today), else from each
    customer's days up to `on`."""
    later = CustomerDay.select().where(CustomerDay.day > on, CustomerDay.orders > 0).exists()
    if not later:
        segment = _segment_case(CustomerSpan.last_day, CustomerSpan.orders, on)
        query = CustomerSpan.select(
            segment,
            fn.COUNT(CustomerSpan.id),
            fn.SUM(CustomerSpan.orders),
            fn.SUM(CustomerSpan.revenue),
        ).where(CustomerSpan.activity == 0, CustomerSpan.first_day <= on)
    else:
        per_customer = (
            CustomerDay.select(
                CustomerDay.customer,
                fn.MAX(CustomerDay.day).alias("last"),
                fn.SUM(CustomerDay.orders).alias("orders"),
                fn.SUM(CustomerDay.revenue).alias("revenue"),
            )
            .where(CustomerDay.day <= on, CustomerDay.orders > 0)
            .group_by(CustomerDay.customer)
            .alias("per_customer")
        )
        c = per_customer.c
        segment = _segment_case(c.last, c.orders, on)
        query = Select(
            [per_customer], [segment, fn.COUNT(c.customer), fn.SUM(c.orders), fn.SUM(c.revenue)]
        ).bind(db)
    figures = {
        key: (int(n), int(orders or 0), int(revenue or 0))
        for key, n, orders, revenue in query.group_by(segment).tuples()
    }
    return [
        SegmentRow(key, str(label), str(SEGMENT_RULES[key]), *figures.get(key, (0, 0, 0)))
        for key, label in SEGMENTS.items()
    ]
