"""/reports/products: sell-through, turnover, slow movers and stock value
(models/reports/products.py); each table as CSV or XLSX. Admins; staff too with
REPORTS_FOR_STAFF."""

from flask import Blueprint, request

from blueprints.access import blueprint_requires_role
from blueprints.rendering import render
from blueprints.reports.downloads import download
from models.reports.products import (
    PRODUCT_TABLES,
    VALUED_AT,
    ProductsQuery,
    products_report,
    products_table,
)
from models.reports.sales import choices
from models.shop_time import shop_today

bp = Blueprint("product_report", __name__, url_prefix="/reports/products")
blueprint_requires_role(bp, "admin", staff_setting="REPORTS_FOR_STAFF")


def _query() -> ProductsQuery:
    return ProductsQuery.from_args(request.args, shop_today())


@bp.get("")
def page():
    return render(
        "reports/products.html",
        "reports/_products.html",
        report=products_report(_query()),
        activities=choices()["activity"],
        tables=PRODUCT_TABLES,
        valued_at=VALUED_AT,
    )


@bp.get("/<any(" + ", ".join(PRODUCT_TABLES) + "):table>.<any(csv, xlsx):fmt>")
def table(table, fmt):
    query = _query()
    data = products_table(products_report(query), table)
    filename = f"products-{table}-{query.sales.start:%Y%m%d}-{query.sales.end:%Y%m%d}.{fmt}"
    return download(data, fmt, filename, str(PRODUCT_TABLES[table]))
