"""The sales report, read from the rollups alone (models/reports/rollups.py): a few GROUP BY
queries over the days asked for and the same number of days before them.

`SalesQuery.from_args` reads the URL: `from` and `to` (shop days, YYYY-MM-DD), `group` (day, week,
month), `activity`, `point` (ids), `method` and `source`. A value that cannot be read is left out of the
query and kept in `bad`, so the form shows it with its message.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from peewee import fn

from models.activities.pickup import PickupPoint
from models.activities.template import FormTemplate
from models.orders.payments import METHODS
from models.orders.status import SOURCE_LABELS
from models.params import choice, positive_id, shop_date
from models.reports.rollups import SalesDay, SalesHour

GROUPS = {"day": _l("Day"), "week": _l("Week"), "month": _l("Month")}
DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366
NOT_PAID = _l("Not paid")
NONE = _l("None")


@dataclass
class SalesQuery:
    start: date
    end: date
    group: str = "day"
    activity: int | None = None
    point: int | None = None
    method: str | None = None
    source: str | None = None
    bad: dict[str, str] = field(default_factory=dict)  # parameter -> the value left out

    @classmethod
    def from_args(cls, args, today: date) -> "SalesQuery":
        bad = {}

        def read(name, parse):
            """The parsed value of `name`; a value that does not parse is noted in `bad`."""
            raw = (args.get(name) or "").strip()
            value = parse(raw) if raw else None
            if raw and value is None:
                bad[name] = raw[:40]
            return value

        end = read("to", shop_date) or today
        start = read("from", shop_date) or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            bad["from"] = start.isoformat()
            start = end - timedelta(days=DEFAULT_DAYS - 1)
        if (end - start).days >= MAX_DAYS:
            bad["from"] = start.isoformat()
            start = end - timedelta(days=MAX_DAYS - 1)
        return cls(
            start=start,
            end=end,
            group=read("group", lambda raw: choice(raw, GROUPS)) or "day",
            activity=read("activity", positive_id),
            point=read("point", positive_id),
            method=read("method", lambda raw: choice(raw, {*METHODS, "none"})),
            source=read("source", lambda raw: choice(raw, SOURCE_LABELS)),
            bad=bad,
        )

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> tuple[date, date]:
        """The same number of days just before."""
        return self.start - timedelta(days=self.days), self.start - timedelta(days=1)

    def to_args(self) -> dict[str, str]:
        args = {"from": self.start.isoformat(), "to": self.end.isoformat(), "group": self.group}
        for name in ("activity", "point", "method", "source"):
            if getattr(self, name) is not None:
                args[name] = str(getattr(self, name))
        return args

    def where(self, model, start: date, end: date):
        condition = (model.day >= start) & (model.day <= end)
        if self.activity is not None:
            condition &= model.activity == self.activity
        if self.point is not None:
            condition &= model.pickup_point == self.point
        if self.method is not None:
            condition &= model.method == ("" if self.method == "none" else self.method)
        if self.source is not None:
            condition &= model.source == self.source
        return condition


@dataclass(frozen=True)
class Figures:
    orders: int = 0
    revenue: int = 0  # fen
    refunds: int = 0  # fen

    @property
    def average(self) -> int:
        return round(self.revenue / self.orders) if self.orders else 0

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(
            self.orders + other.orders, self.revenue + other.revenue, self.refunds + other.refunds
        )


@dataclass(frozen=True)
class Row:
    """One line of a table: what it is about, its figures now and in the previous period."""

    key: object
    label: str
    now: Figures
    before: Figures


@dataclass(frozen=True)
class ProductRow:
    label: str
    orders: int
    units: int
    revenue: int
    refunds: int
    cost: int = 0  # fen, of the units sold with a cost price
    costed_revenue: int = 0  # fen, what those units sold for

    @property
    def margin(self) -> int | None:
        """Fen earned over cost on the units with a cost price; None when none has one."""
        return self.costed_revenue - self.cost if self.costed_revenue else None

    @property
    def margin_percent(self) -> int | None:
        return round(100 * self.margin / self.costed_revenue) if self.costed_revenue else None


@dataclass
class SalesReport:
    query: SalesQuery
    total: Row
    periods: list[Row]
    activities: list[Row]
    points: list[Row]
    methods: list[Row]
    sources: list[Row]
    products: list[ProductRow]
    heat: list[list[int]]  # [weekday][hour] orders

    @property
    def has_costs(self) -> bool:
        return any(row.costed_revenue for row in self.products)

    @property
    def heat_max(self) -> int:
        return max((n for row in self.heat for n in row), default=0)


SUMS = (fn.SUM(SalesHour.orders), fn.SUM(SalesHour.revenue), fn.SUM(SalesHour.refunds))


def _figures(values) -> Figures:
    return Figures(*(int(value or 0) for value in values))


def _grouped(query: SalesQuery, start: date, end: date, *columns) -> dict:
    """{column values: Figures} of the rollups in [start, end]."""
    rows = (
        SalesHour.select(*columns, *SUMS)
        .where(query.where(SalesHour, start, end))
        .group_by(*columns)
        .tuples()
    )
    n = len(columns)
    return {row[:n] if n > 1 else row[0]: _figures(row[n:]) for row in rows}


def period_of(day: date, group: str) -> date:
    if group == "week":
        return day - timedelta(days=day.weekday())
    if group == "month":
        return day.replace(day=1)
    return day


def _rows(now: dict, before: dict, labels) -> list[Row]:
    keys = sorted({*now, *before}, key=lambda key: (-now.get(key, Figures()).revenue, str(key)))
    return [
        Row(key, labels(key), now.get(key, Figures()), before.get(key, Figures())) for key in keys
    ]


def _names(model, column, ids) -> dict:
    ids = [i for i in ids if i]
    return dict(model.select(model.id, column).where(model.id.in_(ids)).tuples()) if ids else {}


def sales_report(query: SalesQuery) -> SalesReport:
    start, end = query.start, query.end
    before = query.previous
    shift = timedelta(days=query.days)

    daily_now = _grouped(query, start, end, SalesHour.day)
    daily_before = _grouped(query, *before, SalesHour.day)
    periods_now, periods_before = defaultdict(Figures), defaultdict(Figures)
    for day, figures in daily_now.items():
        periods_now[period_of(day, query.group)] += figures
    for day, figures in daily_before.items():  # beside the period it comes a period before
        periods_before[period_of(day + shift, query.group)] += figures
    days = [start + timedelta(days=n) for n in range(query.days)]
    keys = sorted({period_of(day, query.group) for day in days})
    periods = [
        Row(
            key,
            key.isoformat(),
            periods_now.get(key, Figures()),
            periods_before.get(key, Figures()),
        )
        for key in keys
    ]
    total = Row(
        "total",
        "",
        sum(daily_now.values(), Figures()),
        sum(daily_before.values(), Figures()),
    )

    by = {}
    for name, column in (
        ("activities", SalesHour.activity),
        ("points", SalesHour.pickup_point),
        ("methods", SalesHour.method),
        ("sources", SalesHour.source),
    ):
        by[name] = (_grouped(query, start, end, column), _grouped(query, *before, column))
    titles = _names(FormTemplate, FormTemplate.title, {*by["activities"][0], *by["activities"][1]})
    points = _names(PickupPoint, PickupPoint.name, {*by["points"][0], *by["points"][1]})

    heat = [[0] * 24 for _ in range(7)]
    for (weekday, hour), figures in _grouped(
        query, start, end, SalesHour.weekday, SalesHour.hour
    ).items():
        heat[weekday][hour] = figures.orders

    return SalesReport(
        query=query,
        total=total,
        periods=periods,
        activities=_rows(*by["activities"], lambda key: titles.get(key, f"#{key}")),
        points=_rows(*by["points"], lambda key: points.get(key, f"#{key}") if key else str(NONE)),
        methods=_rows(*by["methods"], lambda key: str(METHODS.get(key, key or NOT_PAID))),
        sources=_rows(*by["sources"], lambda key: str(SOURCE_LABELS.get(key, key))),
        products=_products(query),
        heat=heat,
    )


def _products(query: SalesQuery) -> list[ProductRow]:
    rows = (
        SalesDay.select(
            SalesDay.product,
            SalesDay.name,
            fn.SUM(SalesDay.orders),
            fn.SUM(SalesDay.units),
            fn.SUM(SalesDay.revenue),
            fn.SUM(SalesDay.refunds),
            fn.SUM(SalesDay.cost),
            fn.SUM(SalesDay.costed_revenue),
        )
        .where(query.where(SalesDay, query.start, query.end))
        .group_by(SalesDay.product, SalesDay.name)
        .tuples()
    )
    found = [ProductRow(name, *(int(value or 0) for value in values)) for _, name, *values in rows]
    return sorted(found, key=lambda row: (-row.revenue, row.label))


def choices() -> dict[str, list[tuple[str, str]]]:
    """The filter form's options: activities and pickup points by name, payment methods and
    sources."""
    return {
        "activity": [
            (str(i), t)
            for i, t in FormTemplate.select(FormTemplate.id, FormTemplate.title)
            .order_by(FormTemplate.title)
            .tuples()
        ],
        "point": [
            (str(i), n)
            for i, n in PickupPoint.select(PickupPoint.id, PickupPoint.name)
            .order_by(PickupPoint.name)
            .tuples()
        ],
        "method": [*((key, str(label)) for key, label in METHODS.items()), ("none", str(NOT_PAID))],
        "source": [(str(key), str(label)) for key, label in SOURCE_LABELS.items()],
    }
