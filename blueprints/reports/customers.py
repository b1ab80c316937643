"""/reports/customers: new and returning customers, repeat rate, cohorts, top customers and RFM
segments (models/reports/customers.py); each table as CSV or XLSX. Admins; staff too with
REPORTS_FOR_STAFF."""

from flask import Blueprint, request

from blueprints.access import blueprint_requires_role
from blueprints.rendering import render
from blueprints.reports.downloads import download
from models.reports.customer_tables import CUSTOMER_TABLES, customers_table
from models.reports.customers import customers_query, customers_report
from models.reports.sales import GROUPS, choices
from models.shop_time import shop_today

bp = Blueprint("customer_report", __name__, url_prefix="/reports/customers")
blueprint_requires_role(bp, "admin", staff_setting="REPORTS_FOR_STAFF")


def _query():
    return customers_query(request.args, shop_today())


@bp.get("")
def page():
    return render(
        "reports/customers.html",
        "reports/_customers.html",
        report=customers_report(_query()),
        activities=choices()["activity"],
        groups=GROUPS,
        tables=CUSTOMER_TABLES,
    )


@bp.get("/<any(" + ", ".join(CUSTOMER_TABLES) + "):table>.<any(csv, xlsx):fmt>")
def table(table, fmt):
    query = _query()
    data = customers_table(customers_report(query), table)
    filename = f"customers-{table}-{query.start:%Y%m%d}-{query.end:%Y%m%d}.{fmt}"
    return download(data, fmt, filename, str(CUSTOMER_TABLES[table]))
