"""The catalog for admins (/admin/products): the product list with its stock and a search,
adding and changing a product, and the stock of each warehouse row (received, written off,
counted) with its history. The rules are in models/catalog/admin.py.

The search is a GET form (the URL keeps it) that htmx swaps into the list. The product form
replaces itself with its errors (422); a stock change redraws the stock section. Without
JavaScript every form posts and redirects back (303) with a flash.
"""

from datetime import datetime, time, timedelta

from flask import (
    Blueprint,
    flash,
    redirect,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.utils import secure_filename

from blueprints.access import role_required
from blueprints.catalog.photos import photo_context
from blueprints.catalog.variants import variant_context
from blueprints.params import arg_date, arg_id
from blueprints.rendering import go, or_404, render, wants_fragment
from blueprints.reports.downloads import download
from forms.product import STOCK_FORMS, NewProductForm, ProductForm, stock_form
from models.catalog.admin import (
    NO_CATEGORY,
    SkuTaken,
    change_stock,
    create_product,
    product_list,
    recent_movements,
    stock_by_warehouse,
    update_product,
)
from models.catalog.categories import category_choices
from models.catalog.ledger import (
    KINDS,
    LedgerFilter,
    ledger_cells,
    ledger_header,
    ledger_page,
    ledger_rows,
)
from models.catalog.products import Product, Warehouse
from models.errors import DomainError
from models.exports.table import ExportTable
from models.params import choices
from models.shop_time import to_utc

bp = Blueprint("products", __name__, url_prefix="/admin/products")

INDEX, LIST = "products/index.html", "products/_list.html"
NEW, PAGE = "products/new.html", "products/product.html"
FORM, STOCK = "products/_form.html", "products/_stock.html"
ACTIONS = {"receive": "received", "write-off": "written_off", "count": "counted"}
SEARCH_MAX = 100


def _product(product_id: int) -> Product:
    return or_404(Product.get_or_none(Product.id == product_id))


def _user():
    return current_user._get_current_object()


@bp.get("")
@role_required("admin")
def index():
    search = request.args.get("q", "").strip()[:SEARCH_MAX]
    inactive = request.args.get("inactive") == "1"
    low = request.args.get("low") == "1"
    category = NO_CATEGORY if request.args.get("category") == "none" else arg_id("category")
    rows, after = product_list(
        search, include_inactive=inactive, category=category, low_only=low, after=arg_id("after")
    )
    args = {"q": search, "inactive": "1" if inactive else "", "low": "1" if low else ""}
    args["category"] = "none" if category == NO_CATEGORY else category or ""
    return render(
        INDEX,
        LIST,
        rows=rows,
        after=after,
        args={key: value for key, value in args.items() if value},
        search=search,
        inactive=inactive,
        low=low,
        category=category,
        categories=category_choices(),
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required("admin")
def new():
    form = NewProductForm()
    if form.validate_on_submit():
        try:
            product = create_product(form.details(), form.initial_stock.data or 0, _user())
        except SkuTaken as error:
            form.sku.errors.append(str(error))
        else:
            flash(_("“%(name)s” added.", name=product.name))
            return go(url_for(".show", product_id=product.id))
    status = 422 if request.method == "POST" else 200
    return render(NEW, FORM, status, form=form, product=None)


def _stock_context(product: Product, notice=None, failed=None) -> dict:
    """The stock section: every warehouse row with its three forms, and the latest movements.
    `failed`: (kind, warehouse id, form) of a change just refused, shown with its input and
    errors."""
    rows = stock_by_warehouse(product)
    forms = {
        row.warehouse.id: {k: stock_form(k, row.warehouse.id) for k in STOCK_FORMS} for row in rows
    }
    if failed:
        kind, warehouse_id, form = failed
        forms[warehouse_id][kind] = form
    return {
        "product": product,
        "stock_rows": rows,
        "stock_forms": forms,
        "movements": recent_movements(product),
        "several_warehouses": len(rows) > 1,
        "notice": notice,
    }


def _page_context(product: Product) -> dict:
    """The product page's sections: stock, variants, photos."""
    return _stock_context(product) | variant_context(product) | photo_context(product)


@bp.route("/<id:product_id>", methods=["GET", "POST"])
@role_required("admin")
def show(product_id: int):
    product = _product(product_id)
    if request.method == "GET":
        form = ProductForm.of(product)
        return render(PAGE, FORM, form=form, **_page_context(product))
    form = ProductForm()
    if form.validate_on_submit():
        try:
            update_product(product, form.details())
        except SkuTaken as error:
            form.sku.errors.append(str(error))
        else:
            flash(_("“%(name)s” saved.", name=form.name.data))
            return go(url_for(".show", product_id=product.id))
    return render(PAGE, FORM, 422, form=form, **_page_context(product))


DONE = {
    "received": lambda units: _("Received %(units)s.", units=units),
    "written_off": lambda units: _("Wrote off %(units)s.", units=units),
    "counted": lambda units: _("On hand set to %(units)s.", units=units),
}


@bp.post('/<id:product_id>/stock/<id:warehouse_id>/<any(receive, "write-off", count):action>')
@role_required("admin")
def change(product_id: int, warehouse_id: int, action: str):
    product = _product(product_id)
    warehouse = or_404(Warehouse.get_or_none(Warehouse.id == warehouse_id))
    kind = ACTIONS[action]
    form = stock_form(kind, warehouse.id, request.form)
    if form.validate_on_submit():
        try:
            change_stock(
                kind, product, warehouse, form.units.data, reason=form.reason.data, by=_user()
            )
        except DomainError as error:
            form.units.errors.append(str(error))
        else:
            notice = DONE[kind](form.units.data)
            if wants_fragment():
                return render(PAGE, STOCK, **_stock_context(product, notice=notice))
            flash(notice)
            return redirect(url_for(".show", product_id=product.id, _anchor="stock"), 303)
    context = _stock_context(product, failed=(kind, warehouse.id, form))
    context |= photo_context(product) | variant_context(product)
    return render(PAGE, STOCK, 422, form=ProductForm.of(product), **context)


# The ledger ------------------------------------------------------------------------------

LEDGER_PAGE, LEDGER = "products/ledger.html", "products/_ledger.html"


def _ledger_filter() -> tuple[LedgerFilter, dict]:
    """The filter in the URL, and its arguments as they go into links (the next page's, the
    export's)."""
    since, until = arg_date("from"), arg_date("to")
    chosen = LedgerFilter(
        warehouse_id=arg_id("warehouse"),
        kinds=choices(request.args.getlist("kind"), KINDS),
        since=to_utc(datetime.combine(since, time())) if since else None,
        until=to_utc(datetime.combine(until + timedelta(days=1), time())) if until else None,
    )
    args = {
        "warehouse": chosen.warehouse_id or "",
        "kind": list(chosen.kinds),
        "from": since.isoformat() if since else "",
        "to": until.isoformat() if until else "",
    }
    return chosen, {key: value for key, value in args.items() if value}


@bp.get("/<id:product_id>/ledger")
@role_required("admin")
def ledger(product_id: int):
    product = _product(product_id)
    chosen, args = _ledger_filter()
    rows, older = ledger_page(product, chosen, before=arg_id("before"))
    return render(
        LEDGER_PAGE,
        LEDGER,
        product=product,
        rows=rows,
        older=older,
        args=args,
        chosen=chosen,
        kinds=KINDS,
        warehouses=Warehouse.select().order_by(Warehouse.id),
    )


@bp.get("/<id:product_id>/ledger.<any(csv, xlsx):fmt>")
@role_required("admin")
def ledger_export(product_id: int, fmt: str):
    product = _product(product_id)
    chosen, _args = _ledger_filter()
    table = ExportTable(ledger_header(), ledger_cells(ledger_rows(product, chosen)))
    filename = f"ledger-{secure_filename(product.sku) or product.id}.{fmt}"
    return download(table, fmt, filename, _("Stock ledger"))
