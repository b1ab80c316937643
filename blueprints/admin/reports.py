"""/reports: the sales report (models/reports/sales.py) as a page, and each of its tables as CSV
or XLSX. Admins; staff too with REPORTS_FOR_STAFF."""

import io
from datetime import datetime

from flask import Blueprint, Response, request, send_file, stream_with_context

from blueprints.access import blueprint_requires_role
from blueprints.rendering import render
from models.exports.table import csv_chunks, write_xlsx
from models.reports.sales import GROUPS, SalesQuery, choices, sales_report
from models.reports.tables import TABLES, WEEKDAYS, report_table
from models.shop_time import shop_zone

bp = Blueprint("reports", __name__, url_prefix="/reports")
blueprint_requires_role(bp, "admin", staff_setting="REPORTS_FOR_STAFF")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _query() -> SalesQuery:
    return SalesQuery.from_args(request.args, datetime.now(shop_zone()).date())


@bp.get("/sales")
def sales():
    query = _query()
    return render(
        "reports/sales.html",
        "reports/_sales.html",
        report=sales_report(query),
        choices=choices(),
        groups=GROUPS,
        tables=TABLES,
        weekdays=WEEKDAYS,
    )


@bp.get("/sales/<any(" + ", ".join(TABLES) + "):table>.<any(csv, xlsx):fmt>")
def sales_table(table, fmt):
    query = _query()
    data = report_table(sales_report(query), table)
    filename = f"sales-{table}-{query.start:%Y%m%d}-{query.end:%Y%m%d}.{fmt}"
    if fmt == "csv":
        return Response(
            stream_with_context(csv_chunks(data)),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    target = io.BytesIO()
    write_xlsx(data, target, str(TABLES[table]))
    target.seek(0)
    return send_file(target, mimetype=XLSX, as_attachment=True, download_name=filename)
