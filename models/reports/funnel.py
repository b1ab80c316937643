"""The funnel of each activity: form views → started filling → orders, over shop days.

Views and starts come from FunnelMinute (models/reports/funnel_counter.py), orders from the sales
rollup (SalesHour: placed in the range, not cancelled); both are GROUP BYs over day indexes. The
range and the activity filter are the sales report's (`SalesQuery`)."""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import fn

from models.activities.template import FormTemplate
from models.exports.table import ExportTable
from models.reports.rollups import FunnelMinute, SalesHour
from models.reports.sales import SalesQuery

STAGES = {"views": _l("Form views"), "starts": _l("Started"), "orders": _l("Orders")}


@dataclass(frozen=True)
class Step:
    label: str
    count: int


@dataclass(frozen=True)
class FunnelRow:
    label: str
    views: int
    starts: int
    orders: int

    @property
    def started_rate(self) -> int | None:
        """Percent of views that started filling the form."""
        return round(100 * self.starts / self.views) if self.views else None

    @property
    def order_rate(self) -> int | None:
        """Percent of views that became an order."""
        return round(100 * self.orders / self.views) if self.views else None


@dataclass
class Funnel:
    query: SalesQuery
    total: FunnelRow
    activities: list[FunnelRow]

    @property
    def steps(self) -> list[Step]:
        return [Step(str(label), getattr(self.total, name)) for name, label in STAGES.items()]


def _in_range(model, query: SalesQuery):
    condition = (model.day >= query.start) & (model.day <= query.end)
    if query.activity is not None:
        condition &= model.activity == query.activity
    return condition


def funnel_report(query: SalesQuery) -> Funnel:
    counted = {
        activity: (int(views or 0), int(starts or 0))
        for activity, views, starts in FunnelMinute.select(
            FunnelMinute.activity, fn.SUM(FunnelMinute.views), fn.SUM(FunnelMinute.starts)
        )
        .where(_in_range(FunnelMinute, query))
        .group_by(FunnelMinute.activity)
        .tuples()
    }
    orders = dict(
        SalesHour.select(SalesHour.activity, fn.SUM(SalesHour.orders))
        .where(_in_range(SalesHour, query))
        .group_by(SalesHour.activity)
        .tuples()
    )
    ids = {*counted, *orders}
    titles = (
        dict(
            FormTemplate.select(FormTemplate.id, FormTemplate.title)
            .where(FormTemplate.id.in_(list(ids)))
            .tuples()
        )
        if ids
        else {}
    )
    rows = [
        FunnelRow(titles.get(i, f"#{i}"), *counted.get(i, (0, 0)), int(orders.get(i) or 0))
        for i in ids
    ]
    rows.sort(key=lambda row: (-row.views, -row.orders, row.label))
    total = FunnelRow(
        "",
        sum(row.views for row in rows),
        sum(row.starts for row in rows),
        sum(row.orders for row in rows),
    )
    return Funnel(query=query, total=total, activities=rows)


def funnel_table(funnel: Funnel) -> ExportTable:
    """The funnel per activity, then the total."""
    header = [
        _("Activity"),
        _("Form views"),
        _("Started"),
        _("Orders"),
        _("Started, percent of views"),
        _("Orders, percent of views"),
    ]

    def cells(row: FunnelRow, label: str) -> list:
        rates = (row.started_rate, row.order_rate)
        return [label, row.views, row.starts, row.orders, *("" if r is None else r for r in rates)]

    rows = [cells(row, row.label) for row in funnel.activities]
    rows.append(cells(funnel.total, _("Total")))
    return ExportTable(header, rows)
