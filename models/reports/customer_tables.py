"""The customers report's tables as spreadsheet rows (CSV and XLSX, models/exports/table.py)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from models.exports.table import ExportTable
from models.money import amount
from models.reports.customers import CustomersReport

CUSTOMER_TABLES = {
    "periods": _l("New and returning customers"),
    "cohorts": _l("Cohort retention"),
    "top": _l("Top customers"),
    "segments": _l("RFM segments"),
}


def customers_table(report: CustomersReport, name: str) -> ExportTable:
    """One of CUSTOMER_TABLES of the report."""
    if name == "periods":
        header = [_("Period"), _("Customers"), _("New"), _("Returning")]
        rows = [[p.label, p.customers, p.new, p.returning] for p in report.periods]
    elif name == "cohorts":
        months = report.cohort_months
        header = [_("First order"), _("Customers")]
        header += [_("+%(n)s months", n=n) for n in range(1, months)]
        rows = [
            [c.label, c.size, *c.counts[1:], *([""] * (months - len(c.counts)))]
            for c in report.cohorts
        ]
    elif name == "top":
        header = [_("Customer"), _("Orders"), _("Spent"), _("Last order")]
        rows = [[t.name, t.orders, amount(t.revenue), t.last.isoformat()] for t in report.top]
    else:
        header = [_("Segment"), _("Rule"), _("Customers"), _("Orders"), _("Spent"), _("Average")]
        rows = [
            [s.label, s.rule, s.customers, s.orders, amount(s.revenue), amount(s.average)]
            for s in report.segments
        ]
    return ExportTable(header, rows)
