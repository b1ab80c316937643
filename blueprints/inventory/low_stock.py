"""Low stock (/inventory/low, staff): what is at or below its low-stock mark, and a product's
marks per warehouse (/inventory/products/<id>/marks). The rules are models/catalog/alerts.py.

The list is a GET form (a warehouse) that htmx upgrades; the marks form posts and redirects
(303) with a flash, or comes back with 422, what was typed kept and the reason beside its field.
"""

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import role_required
from blueprints.rendering import go, or_404, render
from models.catalog.alerts import MAX_MARK, default_mark, low_stock_page, marks_of, set_low_marks
from models.catalog.products import Product, Warehouse
from models.params import positive_id, whole_number

bp = Blueprint("low_stock", __name__, url_prefix="/inventory")

LOW, LOW_LIST = "inventory/low.html", "inventory/_low.html"
MARKS, MARKS_FORM = "inventory/marks.html", "inventory/_marks.html"


def _warehouses() -> list[Warehouse]:
    return list(Warehouse.select().where(Warehouse.active == True).order_by(Warehouse.id))  # noqa: E712


@bp.get("/low")
@role_required("staff")
def index():
    warehouse_id = positive_id(request.args.get("warehouse"))
    rows, after = low_stock_page(warehouse_id, after=positive_id(request.args.get("after")))
    return render(
        LOW,
        LOW_LIST,
        rows=rows,
        after=after,
        warehouses=_warehouses(),
        chosen=warehouse_id,
        default=default_mark(),
    )


@bp.route("/products/<id:product_id>/marks", methods=["GET", "POST"])
@role_required("staff")
def marks(product_id: int):
    product = or_404(Product.get_or_none(Product.id == product_id))
    warehouses = _warehouses()
    typed, errors = {}, {}
    if request.method == "POST":
        wanted = {}
        for warehouse in warehouses:
            name = f"mark-{warehouse.id}"
            text = request.form.get(name, "").strip()
            typed[name] = text
            mark = whole_number(text, high=MAX_MARK) if text else None
            if text and mark is None:
                errors[warehouse.id] = _("Enter a whole number of units, 0 or more.")
            wanted[warehouse.id] = mark
        if not errors:
            chosen = {warehouse: wanted[warehouse.id] for warehouse in warehouses}
            set_low_marks(product, chosen, by=current_user._get_current_object())
            flash(_("Low-stock marks saved."))
            return go(url_for(".marks", product_id=product.id))
    return render(
        MARKS,
        MARKS_FORM,
        422 if errors else 200,
        product=product,
        warehouses=warehouses,
        marks=marks_of(product),
        typed=typed,
        errors=errors,
        default=default_mark(),
    )
