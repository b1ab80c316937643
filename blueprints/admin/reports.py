"""/reports: the sales report (models/reports/sales.py) and the settlement report
(models/reports/settlement.py) as pages, their tables as CSV or XLSX, and the import of a
provider's bill matched against Jielong's money (models/reports/reconcile.py). Admins; staff
too with REPORTS_FOR_STAFF."""

from flask import Blueprint, request, url_for
from flask_login import current_user

from blueprints.access import blueprint_requires_role
from blueprints.rendering import go, or_404, render
from blueprints.reports.downloads import download
from forms.reports import BillForm
from models.errors import DomainError
from models.reports.imports import OUTCOMES, PROVIDERS, BillImport
from models.reports.reconcile import bill_result, import_bill, match_bill, recent_imports
from models.reports.sales import GROUPS, SalesQuery, choices, sales_report
from models.reports.settlement import SettlementQuery, settlement
from models.reports.tables import TABLES, WEEKDAYS, bill_table, report_table, settlement_table
from models.shop_time import shop_today

bp = Blueprint("reports", __name__, url_prefix="/reports")
blueprint_requires_role(bp, "admin", staff_setting="REPORTS_FOR_STAFF")


def _today():
    return shop_today()


def _query() -> SalesQuery:
    return SalesQuery.from_args(request.args, _today())


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
    return download(data, fmt, filename, str(TABLES[table]))


def _settlement_page(form: BillForm | None = None, status: int = 200):
    return render(
        "reports/settlement.html",
        "reports/_settlement.html",
        status=status,
        report=settlement(SettlementQuery.from_args(request.args, _today())),
        form=form or BillForm(formdata=None),
        imports=recent_imports(),
        providers=PROVIDERS,
    )


@bp.get("/settlement")
def settlement_page():
    return _settlement_page()


@bp.get("/settlement.<any(csv, xlsx):fmt>")
def settlement_download(fmt):
    query = SettlementQuery.from_args(request.args, _today())
    filename = f"settlement-{query.start:%Y%m%d}-{query.end:%Y%m%d}.{fmt}"
    return download(settlement_table(settlement(query)), fmt, filename, "Settlement")


@bp.post("/settlement/imports")
def import_upload():
    form = BillForm()
    if not form.validate():
        return _settlement_page(form, 422)
    try:
        kept = import_bill(form.bill_bytes(), form.filename(), current_user._get_current_object())
    except DomainError as error:
        form.bill.errors = [str(error)]
        return _settlement_page(form, 422)
    return go(url_for(".bill_page", import_id=kept.id))


def _bill_page(bill_import: BillImport):
    return render(
        "reports/bill.html",
        "reports/_bill.html",
        result=bill_result(bill_import),
        outcomes=OUTCOMES,
        providers=PROVIDERS,
    )


@bp.get("/settlement/imports/<id:import_id>")
def bill_page(import_id):
    return _bill_page(or_404(BillImport.get_or_none(id=import_id)))


@bp.post("/settlement/imports/<id:import_id>/match")
def bill_match(import_id):
    match_bill(or_404(BillImport.get_or_none(id=import_id)))
    return go(url_for(".bill_page", import_id=import_id))


@bp.get("/settlement/imports/<id:import_id>.<any(csv, xlsx):fmt>")
def bill_download(import_id, fmt):
    result = bill_result(or_404(BillImport.get_or_none(id=import_id)))
    return download(bill_table(result), fmt, f"bill-{import_id}.{fmt}", "Bill")
