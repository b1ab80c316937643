"""The reports' tables as spreadsheet rows (CSV and XLSX through models/exports/table.py):
money as amounts in the shop's currency; the sales figures beside the previous period's."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from models.exports.table import ExportTable, shop_time
from models.money import amount
from models.reports.imports import KINDS, OUTCOMES
from models.reports.reconcile import BillResult
from models.reports.sales import Row, SalesReport
from models.reports.settlement import Settlement
from models.shop_time import shop_zone

TABLES = {
    "periods": _l("By period"),
    "activities": _l("By activity"),
    "products": _l("By product"),
    "points": _l("By pickup point"),
    "methods": _l("By payment method"),
    "sources": _l("By source"),
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
        header = [
            _("Product"),
            _("Orders"),
            _("Units"),
            _("Revenue"),
            _("Refunds"),
            _("Margin"),
            _("Margin, percent"),
        ]
        rows = [
            [
                p.label,
                p.orders,
                p.units,
                amount(p.revenue),
                amount(p.refunds),
                "" if p.margin is None else amount(p.margin),
                "" if p.margin_percent is None else p.margin_percent,
            ]
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
        "sources": _("Source"),
    }[name]
    return _compared(first, getattr(report, name))


def settlement_table(report: Settlement) -> ExportTable:
    """The settlement's rows, day by day, and the totals row."""
    header = [
        _("Day"),
        _("Payment method"),
        _("Orders"),
        _("Expected"),
        _("Payments"),
        _("Collected"),
        _("Refunded"),
        _("Fees"),
        _("Net"),
    ]

    def cells(first: str, label: str, f) -> list:
        return [
            first,
            label,
            f.orders,
            amount(f.expected),
            f.payments,
            amount(f.received),
            amount(f.refunded),
            amount(f.fees),
            amount(f.net),
        ]

    rows = [cells(row.day.isoformat(), row.label, row.figures) for row in report.rows]
    rows.append(cells(_("Total"), "", report.total))
    return ExportTable(header, rows)


def bill_table(result: BillResult) -> ExportTable:
    """An imported bill's lines with their outcome, then what only Jielong has."""
    header = [
        _("Line"),
        _("Kind"),
        _("Time"),
        _("Transaction"),
        _("Merchant order number"),
        _("Amount in the bill"),
        _("Fee"),
        _("Outcome"),
        _("Order number"),
        _("Amount in Jielong"),
    ]
    zone = shop_zone()
    rows = [
        [
            line.row or "",
            str(KINDS.get(line.kind, line.kind)),
            shop_time(line.occurred_at, zone),
            line.transaction_id,
            line.out_trade_no,
            amount(line.amount) if line.row else "",
            amount(line.fee) if line.row else "",
            str(OUTCOMES.get(line.outcome, line.outcome)),
            line.order_number or "",
            "" if line.jielong_amount is None else amount(line.jielong_amount),
        ]
        for line in result.lines + result.missing
    ]
    return ExportTable(header, rows)
