"""Perishables for staff (rules in models/catalog/batches.py):

- /inventory/batches: batches near expiry (days ahead, a warehouse: a GET form htmx upgrades;
  odd values fall back), expired ones marked, and "Write off expired" (a POST, one transaction,
  redirect 303 with a flash saying what was written off and what orders still hold);
- /inventory/receive: receiving goods on a phone, with a batch code and an expiry date; bad
  input comes back 422 with the reason beside its field and everything typed kept.
"""

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import role_required
from blueprints.rendering import go, render
from models.catalog.admin import receive_stock
from models.catalog.batches import (
    MAX_CODE_LENGTH,
    MAX_NEAR_DAYS,
    near_days,
    near_expiry,
    write_off_expired,
)
from models.catalog.products import Product, Warehouse
from models.params import positive_id, shop_date, whole_number

bp = Blueprint("batches", __name__, url_prefix="/inventory")

BATCHES, BATCH_LIST = "inventory/batches.html", "inventory/_batches.html"
RECEIVE, RECEIVE_FORM = "inventory/receive.html", "inventory/_receive.html"
MAX_UNITS = 1_000_000
FIELDS = ("product", "warehouse", "units", "batch", "expires_on", "reason")


def _warehouses() -> list[Warehouse]:
    return list(Warehouse.select().where(Warehouse.active == True).order_by(Warehouse.id))  # noqa: E712


@bp.get("/batches")
@role_required("staff")
def index():
    warehouse_id = positive_id(request.args.get("warehouse"))
    days = whole_number(request.args.get("days"), high=MAX_NEAR_DAYS)
    days = near_days() if days is None else days
    return render(
        BATCHES,
        BATCH_LIST,
        rows=near_expiry(days, warehouse_id),
        warehouses=_warehouses(),
        chosen=warehouse_id,
        days=days,
    )


@bp.post("/batches/write-off")
@role_required("staff")
def write_off():
    warehouse_id = positive_id(request.form.get("warehouse"))
    done = write_off_expired(warehouse_id, by=current_user._get_current_object())
    if done.written_off:
        flash(_("Written off: %(units)s expired units.", units=done.written_off))
    else:
        flash(_("Nothing expired could be written off."))
    if done.held:
        flash(_("%(units)s expired units stay: open orders hold them.", units=done.held))
    return go(url_for(".index", warehouse=warehouse_id or None))


def _products() -> list[Product]:
    return list(
        Product.select()
        .where(Product.tracks_stock == True, Product.active == True)  # noqa: E712
        .order_by(Product.name)
    )


def _read(form, products, warehouses):
    """(what to receive, or None; {field: error})."""
    typed = {name: form.get(name, "").strip() for name in FIELDS}
    errors = {}
    product = {p.id: p for p in products}.get(positive_id(typed["product"]))
    warehouse = {w.id: w for w in warehouses}.get(positive_id(typed["warehouse"]))
    units = whole_number(typed["units"], low=1, high=MAX_UNITS)
    expires_on = shop_date(typed["expires_on"]) if typed["expires_on"] else None
    if product is None:
        errors["product"] = _("Choose a product.")
    if warehouse is None:
        errors["warehouse"] = _("Choose a warehouse.")
    if units is None:
        errors["units"] = _("Enter a whole number of units, 1 or more.")
    if len(typed["batch"]) > MAX_CODE_LENGTH:
        errors["batch"] = _("Enter a batch code of at most 40 characters.")
    if typed["expires_on"] and expires_on is None:
        errors["expires_on"] = _("Enter a date as YYYY-MM-DD.")
    if expires_on and not typed["batch"]:
        errors["batch"] = _("Enter the batch code printed on the goods.")
    if errors:
        return None, typed, errors
    return (product, warehouse, units, typed["batch"] or None, expires_on), typed, {}


@bp.route("/receive", methods=["GET", "POST"])
@role_required("staff")
def receive():
    products, warehouses = _products(), _warehouses()
    typed, errors = {"warehouse": request.args.get("warehouse", "")}, {}
    if request.method == "POST":
        wanted, typed, errors = _read(request.form, products, warehouses)
        if wanted:
            product, warehouse, units, batch, expires_on = wanted
            receive_stock(
                product,
                warehouse,
                units,
                reason=typed["reason"],
                by=current_user._get_current_object(),
                batch=batch,
                expires_on=expires_on,
            )
            flash(
                _(
                    "Received %(units)s of %(product)s at %(warehouse)s.",
                    units=units,
                    product=product.name,
                    warehouse=warehouse.name,
                )
            )
            return go(url_for(".receive", warehouse=warehouse.id))
    return render(
        RECEIVE,
        RECEIVE_FORM,
        422 if errors else 200,
        products=products,
        warehouses=warehouses,
        typed=typed,
        errors=errors,
    )
