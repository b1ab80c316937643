"""The customers report, read from the CustomerDay rollup (models/reports/rollups.py) alone: two
grouped queries over its (customer, day, orders, revenue) index and one for the top customers'
names; the rest is counted here over at most one row per customer and day of the range.

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
from peewee import fn

from models.customers.customer import Customer
from models.reports.rollups import CustomerDay
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


def _summary(end: date, activity: int | None) -> dict[int, tuple]:
    """{customer: (first day, last day, orders, revenue)} up to `end`."""
    day = CustomerDay.day
    query = CustomerDay.select(
        CustomerDay.customer,
        fn.MIN(day),
        fn.MAX(day),
        fn.SUM(CustomerDay.orders),
        fn.SUM(CustomerDay.revenue),
    ).where(day <= end, CustomerDay.orders > 0)
    if activity is not None:
        query = query.where(CustomerDay.activity == activity)
    return {
        customer: (_day(first), _day(last), int(orders), int(revenue or 0))
        for customer, first, last, orders, revenue in query.group_by(CustomerDay.customer).tuples()
    }


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def customers_report(query: SalesQuery) -> CustomersReport:
    start, end = query.start, query.end
    summary = _summary(end, query.activity)
    first_cohort = max(start.replace(day=1), _add_months(end.replace(day=1), 1 - MAX_COHORTS))
    since = min(start, first_cohort)
    rows = CustomerDay.select(
        CustomerDay.customer,
        CustomerDay.day,
        fn.SUM(CustomerDay.orders),
        fn.SUM(CustomerDay.revenue),
    ).where(CustomerDay.day >= since, CustomerDay.day <= end, CustomerDay.orders > 0)
    if query.activity is not None:
        rows = rows.where(CustomerDay.activity == query.activity)
    rows = rows.group_by(CustomerDay.customer, CustomerDay.day).tuples()

    in_period, new_in_period = defaultdict(set), defaultdict(set)
    active_months = defaultdict(set)  # cohort month -> {(customer, months after)}
    spent = defaultdict(lambda: [0, 0])
    for customer, raw_day, orders, revenue in rows:
        day, first = _day(raw_day), summary[customer][0]
        if first >= first_cohort:
            active_months[first.replace(day=1)].add((customer, _months(first, day)))
        if day < start:
            continue
        period = period_of(day, query.group)
        in_period[period].add(customer)
        if period_of(first, query.group) == period:
            new_in_period[period].add(customer)
        spent[customer][0] += int(orders)
        spent[customer][1] += int(revenue or 0)

    days = (start + timedelta(days=n) for n in range(query.days))
    periods = [
        PeriodRow(key, key.isoformat(), len(in_period[key]), len(new_in_period[key]))
        for key in sorted({period_of(day, query.group) for day in days})
    ]
    cohorts = []
    for n in range(_months(first_cohort, end) + 1):
        month = _add_months(first_cohort, n)
        counts = [0] * (_months(month, end) + 1)
        for _, after in active_months[month]:
            counts[after] += 1
        cohorts.append(CohortRow(month, f"{month:%Y-%m}", counts))

    return CustomersReport(
        query=query,
        customers=len(spent),
        new=sum(1 for c in spent if summary[c][0] >= start),
        repeaters=sum(1 for c in spent if summary[c][2] >= 2),
        periods=periods,
        cohorts=cohorts,
        top=_top(spent, summary),
        segments=_segments(summary if query.activity is None else _summary(end, None), end),
    )


def _top(spent: dict, summary: dict) -> list[TopRow]:
    chosen = sorted(spent, key=lambda c: (-spent[c][1], -spent[c][0], c))[:TOP]
    names = dict(
        Customer.select(Customer.id, Customer.name).where(Customer.id.in_(chosen)).tuples()
        if chosen
        else []
    )
    return [
        TopRow(c, names.get(c, f"#{c}"), spent[c][0], spent[c][1], summary[c][1]) for c in chosen
    ]


def _segments(summary: dict, on: date) -> list[SegmentRow]:
    figures = {key: [0, 0, 0] for key in SEGMENTS}
    for _, last, orders, revenue in summary.values():
        cell = figures[segment_of((on - last).days, orders)]
        cell[0] += 1
        cell[1] += orders
        cell[2] += revenue
    return [
        SegmentRow(key, str(label), str(SEGMENT_RULES[key]), *figures[key])
        for key, label in SEGMENTS.items()
    ]
