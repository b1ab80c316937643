"""/reports/funnel: form views → started → orders per activity (models/reports/funnel.py);
the table as CSV or XLSX. Admins; staff too with REPORTS_FOR_STAFF."""

from flask import Blueprint, request

from blueprints.access import blueprint_requires_role
from blueprints.rendering import render
from blueprints.reports.downloads import download
from models.reports.funnel import funnel_report, funnel_table
from models.reports.funnel_counter import flush
from models.reports.sales import SalesQuery, choices
from models.shop_time import shop_today

bp = Blueprint("funnel_report", __name__, url_prefix="/reports/funnel")
blueprint_requires_role(bp, "admin", staff_setting="REPORTS_FOR_STAFF")


def _report():
    flush()  # this process's finished minutes, so the page is as fresh as it can be
    return funnel_report(SalesQuery.from_args(request.args, shop_today()))


@bp.get("")
def page():
    return render(
        "reports/funnel.html",
        "reports/_funnel.html",
        report=_report(),
        activities=choices()["activity"],
    )


@bp.get("/table.<any(csv, xlsx):fmt>")
def table(fmt):
    report = _report()
    query = report.query
    filename = f"funnel-{query.start:%Y%m%d}-{query.end:%Y%m%d}.{fmt}"
    return download(funnel_table(report), fmt, filename, "Funnel")
