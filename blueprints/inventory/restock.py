"""Restock suggestions (/inventory/restock, staff): how many units to order per product and
warehouse from the sales of the last N days and the lead time (models/purchasing/restock.py), and
for each warehouse a link that opens a purchase order drafted with them. A GET form that htmx
upgrades; odd values fall back to the defaults, never a 500."""

from flask import Blueprint, request, url_for

from blueprints.access import role_required
from blueprints.rendering import render
from models.catalog.products import Warehouse
from models.money import amount_text
from models.params import positive_id, whole_number
from models.purchasing.orders import on_order
from models.purchasing.restock import COVER_DAYS, DAYS, LEAD_DAYS, MAX_DAYS, suggestions

bp = Blueprint("restock", __name__, url_prefix="/inventory")

PAGE, LIST = "inventory/restock.html", "inventory/_restock.html"


def _days(name: str, default: int, low: int) -> int:
    value = whole_number(request.args.get(name, ""), low=low, high=MAX_DAYS)
    return default if value is None else value


@bp.get("/restock")
@role_required("staff")
def index():
    chosen = {
        "days": _days("days", DAYS, 1),
        "lead_days": _days("lead", LEAD_DAYS, 0),
        "cover_days": _days("cover", COVER_DAYS, 0),
        "warehouse_id": positive_id(request.args.get("warehouse")),
    }
    warehouses = Warehouse.select().where(Warehouse.active == True).order_by(Warehouse.id)  # noqa: E712
    rows = suggestions(**chosen, on_order=on_order(chosen["warehouse_id"]))
    return render(
        PAGE, LIST, rows=rows, warehouses=list(warehouses), chosen=chosen, drafts=_drafts(rows)
    )


def _drafts(rows) -> list[tuple[object, str]]:
    """(warehouse, the purchasing page's link with a new order filled in): the suggested units
    of each product and its cost price, for each warehouse that has something to order."""
    by_warehouse = {}
    for row in rows:
        if row.suggested > 0:
            by_warehouse.setdefault(row.warehouse.id, (row.warehouse, []))[1].append(row)
    drafts = []
    for warehouse, wanted in by_warehouse.values():
        args = {"warehouse": warehouse.id}
        for row in wanted:
            args[f"qty-{row.product.id}"] = row.suggested
            if row.product.cost_price is not None:
                args[f"cost-{row.product.id}"] = amount_text(row.product.cost_price)
        drafts.append((warehouse, url_for("purchasing.index", **args, _anchor="new-order")))
    return drafts
