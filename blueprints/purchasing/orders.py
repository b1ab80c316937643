"""Purchasing (/purchasing, staff): suppliers, purchase orders drafted by hand, sent, received
in parts (phone first), cancelled, and printed. The rules are in models/purchasing/.

Plain forms that post and redirect (303) with a flash; refused input comes back with 422, what
was typed kept and the reason beside its field.
"""

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import role_required
from blueprints.rendering import go, or_404, render
from blueprints.reports.downloads import download
from models.catalog.batches import MAX_CODE_LENGTH
from models.catalog.products import Product, Warehouse
from models.errors import DomainError
from models.money import typed_amount
from models.params import positive_id, shop_date, whole_number
from models.purchasing.orders import (
    MAX_UNITS,
    MoreThanOrdered,
    PurchaseOrder,
    cancel_purchase,
    create_purchase,
    purchase_lines,
    receive_purchase,
    send_purchase,
)
from models.purchasing.sheet import purchase_sheet
from models.purchasing.suppliers import (
    BadSupplier,
    Supplier,
    SupplierDetails,
    create_supplier,
    supplier_list,
)

bp = Blueprint("purchasing", __name__, url_prefix="/purchasing")

INDEX, INDEX_BODY = "purchasing/index.html", "purchasing/_index.html"
ORDER, ORDER_BODY = "purchasing/order.html", "purchasing/_order.html"
PRINT = "purchasing/print.html"


def _user():
    return current_user._get_current_object()


def _index(status=200, errors=None):
    purchases = (
        PurchaseOrder.select(PurchaseOrder, Supplier)
        .join(Supplier)
        .order_by(PurchaseOrder.id.desc())
        .limit(100)
    )
    warehouses = Warehouse.select().where(Warehouse.active == True).order_by(Warehouse.id)  # noqa: E712
    products = Product.select().where(Product.tracks_stock == True, Product.active == True)  # noqa: E712
    return render(
        INDEX,
        INDEX_BODY,
        status,
        purchases=list(purchases),
        suppliers=supplier_list(),
        every_supplier=list(Supplier.select().order_by(Supplier.active.desc(), Supplier.name)),
        warehouses=list(warehouses),
        products=list(products.order_by(Product.name)),
        errors=errors or {},
        form=request.form if request.method == "POST" else request.args,  # a link may fill it
    )


@bp.get("")
@role_required("staff")
def index():
    return _index()


@bp.post("/suppliers")
@role_required("staff")
def new_supplier():
    form = request.form
    details = SupplierDetails(
        *(form.get(name, "")[:1000] for name in ("name", "contact", "phone", "note"))
    )
    try:
        supplier = create_supplier(details)
    except BadSupplier as error:
        return _index(422, {f"supplier-{error.details['field']}": str(error)})
    flash(_("Supplier %(name)s added.", name=supplier.name))
    return go(url_for(".index"))


@bp.post("/orders")
@role_required("staff")
def new_order():
    form, errors, lines = request.form, {}, []
    supplier = Supplier.get_or_none(Supplier.id == positive_id(form.get("supplier")))
    warehouse = Warehouse.get_or_none(Warehouse.id == positive_id(form.get("warehouse")))
    if supplier is None:
        errors["supplier"] = _("Choose a supplier.")
    if warehouse is None:
        errors["warehouse"] = _("Choose a warehouse.")
    for product in Product.select().where(Product.tracks_stock == True):  # noqa: E712
        units_text = form.get(f"qty-{product.id}", "").strip()
        cost_text = form.get(f"cost-{product.id}", "").strip()
        if not units_text:
            continue
        units = whole_number(units_text, low=1, high=MAX_UNITS)
        cost = typed_amount(cost_text)
        if units is None:
            errors[f"qty-{product.id}"] = _("Enter a whole number of units, 1 or more.")
        if cost is None:
            errors[f"cost-{product.id}"] = _("Enter the unit cost in yuan, e.g. 3.50.")
        if units is not None and cost is not None and warehouse is not None:
            lines.append((product.id, warehouse.id, units, cost))
    if not lines and not errors:
        errors["lines"] = _("Enter units and a unit cost for at least one product.")
    if errors:
        return _index(422, errors)
    purchase = create_purchase(supplier, lines, note=form.get("note", ""), by=_user())
    return go(url_for(".order", purchase_id=purchase.id))


def _purchase(purchase_id: int) -> PurchaseOrder:
    return or_404(PurchaseOrder.get_or_none(PurchaseOrder.id == purchase_id))


def _order_page(purchase, status=200, errors=None, typed=None):
    return render(
        ORDER,
        ORDER_BODY,
        status,
        purchase=purchase,
        lines=purchase_lines(purchase),
        errors=errors or {},
        typed=typed or {},
    )


@bp.get("/orders/<id:purchase_id>")
@role_required("staff")
def order(purchase_id: int):
    return _order_page(_purchase(purchase_id))


@bp.get("/orders/<id:purchase_id>/print")
@role_required("staff")
def print_order(purchase_id: int):
    purchase = _purchase(purchase_id)
    return render(PRINT, PRINT, purchase=purchase, lines=purchase_lines(purchase))


@bp.get("/orders/<id:purchase_id>.xlsx")
@role_required("staff")
def sheet(purchase_id: int):
    purchase = _purchase(purchase_id)
    title = _("PO %(number)s", number=purchase.id)
    return download(purchase_sheet(purchase), "xlsx", f"PO-{purchase.id}.xlsx", title)


@bp.post("/orders/<id:purchase_id>/send")
@role_required("staff")
def send(purchase_id: int):
    purchase = _purchase(purchase_id)
    try:
        send_purchase(purchase)
    except DomainError as error:
        return _order_page(purchase, 422, {0: str(error)})
    flash(_("Marked as sent. Its lines are on order now."))
    return go(url_for(".order", purchase_id=purchase.id))


@bp.post("/orders/<id:purchase_id>/cancel")
@role_required("staff")
def cancel(purchase_id: int):
    purchase = _purchase(purchase_id)
    try:
        cancel_purchase(purchase)
    except DomainError as error:
        return _order_page(purchase, 422, {0: str(error)})
    flash(_("Purchase order cancelled."))
    return go(url_for(".order", purchase_id=purchase.id))


@bp.post("/orders/<id:purchase_id>/receive")
@role_required("staff")
def receive(purchase_id: int):
    purchase = _purchase(purchase_id)
    typed = {k: v for k, v in request.form.items() if k.startswith(("got-", "batch-", "expires-"))}
    arrived, errors = {}, {}
    for name, text in typed.items():
        line_id = positive_id(name.removeprefix("got-"))
        if not name.startswith("got-") or line_id is None or not text.strip():
            continue
        units = whole_number(text.strip(), high=MAX_UNITS)
        if units is None:
            errors[line_id] = _("Enter a whole number.")
        else:
            arrived[line_id] = units
    lots = _lots(typed, arrived, errors)
    if not errors:
        try:
            purchase = receive_purchase(
                purchase,
                arrived,
                confirm_more=bool(request.form.get("more")),
                by=_user(),
                batches=lots,
            )
        except MoreThanOrdered as error:
            errors = {0: str(error)}
            for line_id, left in error.details["lines"].items():
                errors[line_id] = _("%(left)s still to come.", left=left)
        except DomainError as error:
            errors = {0: str(error)}
        else:
            received = purchase.status == "received"
            flash(
                _("Received; the units are on the shelf.") if received else _("Received in part.")
            )
            return go(url_for(".order", purchase_id=purchase.id))
    return _order_page(purchase, 422, errors, typed)


def _lots(typed: dict, arrived: dict, errors: dict) -> dict:
    """{line id: (batch code, expiry date or None)} of the lines received with a batch; the
    reasons beside their boxes in `errors` ("batch-<line id>")."""
    lots = {}
    for line_id in arrived:
        code = typed.get(f"batch-{line_id}", "").strip()
        text = typed.get(f"expires-{line_id}", "").strip()
        expires_on = shop_date(text) if text else None
        if len(code) > MAX_CODE_LENGTH:
            errors[f"batch-{line_id}"] = _("Enter a batch code of at most 40 characters.")
        elif text and expires_on is None:
            errors[f"batch-{line_id}"] = _("Enter a date as YYYY-MM-DD.")
        elif text and not code:
            errors[f"batch-{line_id}"] = _("Enter the batch code printed on the goods.")
        elif code:
            lots[line_id] = (code, expires_on)
    return lots
