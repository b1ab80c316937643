"""Restock suggestions (/inventory/restock, staff): how many units to order per product and
warehouse from the sales of the last N days and the lead time (models/catalog/restock.py).
A GET form that htmx upgrades; odd values fall back to the defaults, never a 500."""

from flask import Blueprint, request

from blueprints.access import role_required
from blueprints.rendering import render
from models.catalog.products import Warehouse
from models.catalog.restock import COVER_DAYS, DAYS, LEAD_DAYS, MAX_DAYS, suggestions
from models.params import positive_id, whole_number
from models.purchasing.orders import on_order

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
    return render(PAGE, LIST, rows=rows, warehouses=list(warehouses), chosen=chosen)
