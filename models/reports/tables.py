"""The sales report's tables as spreadsheet rows (CSV and XLSX through models/exports/table.py):
money as amounts in the shop's currency, each figure beside the previous period's."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from models.exports.table import ExportTable
from models.money import amount
from models.reports.sales import Row, SalesReport

TABLES = {
    "periods": _l("By period"),
    "activities": _l("By activity"),
    "products": _l("By product"),
    "points": _l("By pickup point"),
    "methods": _l("By payment method"),
    "hours": _l("By hour and weekday"),
}
WEEKDAYS = (_l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"), _l("Fri"), _l("Sat"), _l("Sun"))


def _compared(first: str, rows: list[Row]) -> ExportTable:
    header = [
        first,
        _("Orders"),
        _("Orders, previous period"),
        _("Revenue"),
        _("Revenue, previous period"),
        _("Average order"),
        _("Average order, previous period"),
        _("Refunds"),
        _("Refunds, previous period"),
    ]
    body = [
        [
            row.label,
            row.now.orders,
            row.before.orders,
            amount(row.now.revenue),
            amount(row.before.revenue),
            amount(row.now.average),
            amount(row.before.average),
            amount(row.now.refunds),
            amount(row.before.refunds),
        ]
        for row in rows
    ]
    return ExportTable(header, body)


def report_table(report: SalesReport, name: str) -> ExportTable:
    """One of TABLES of the report."""
    if name == "products":
        header = [_("Product"), _("Orders"), _("Units"), _("Revenue"), _("Refunds")]
        rows = [
            [p.label, p.orders, p.units, amount(p.revenue), amount(p.refunds)]
            for p in report.products
        ]
        return ExportTable(header, rows)
    if name == "hours":
        header = [_("Weekday"), *(f"{hour:02d}" for hour in range(24))]
        rows = [[str(WEEKDAYS[day]), *counts] for day, counts in enumerate(report.heat)]
        return ExportTable(header, rows)
    first = {
        "periods": _("Period"),
        "activities": _("Activity"),
        "points": _("Pickup point"),
        "methods": _("Payment method"),
    }[name]
    return _compared(first, getattr(report, name))
