"""The low-stock notice: when a product's available units in a warehouse fall to its low-stock
mark (models/catalog/alerts.py sends `stock_fell_low`, once per fall), one "announce" outbox
row is written in the movement's transaction; the worker turns it into an in-app message and an
email for every active staff member and admin (models/messaging/admin_notices.py `announce`).

When the stock is above its mark again by the time the worker reads it (restocked meanwhile),
nothing is sent."""

import uuid

from flask_babel import gettext as _

from models.catalog.alerts import default_mark
from models.catalog.products import Product, Stock, Warehouse
from models.messaging.outbox import add_work

NOTICE = "stock_low"


def plan_low_stock_notice(product_id: int, warehouse_id: int) -> None:
    """The `stock_fell_low` subscriber: one announce row for this fall."""
    payload = {"notice": NOTICE, "product": product_id, "warehouse": warehouse_id}
    add_work("announce", f"stock_low:{product_id}:{warehouse_id}:{uuid.uuid4().hex}", payload)


def stock_low_text(payload: dict):
    """(subject, body, endpoint, values), or None when the stock is no longer low."""
    row = (
        Stock.select(Stock, Product, Warehouse)
        .join(Product)
        .switch(Stock)
        .join(Warehouse)
        .where(Stock.product == payload["product"], Stock.warehouse == payload["warehouse"])
        .first()
    )
    if row is None or row.low_since is None:
        return None
    words = {
        "product": row.product.name,
        "warehouse": row.warehouse.name,
        "available": row.available,
        "on_hand": row.on_hand,
        "reserved": row.reserved,
        "mark": row.low_mark if row.low_mark is not None else default_mark(),
    }
    subject = _("Low stock: %(product)s at %(warehouse)s", **words)
    body = _(
        "%(product)s at %(warehouse)s: %(available)s available (on hand %(on_hand)s, held by "
        "orders %(reserved)s); the low-stock mark is %(mark)s. Restock it or lower the mark.",
        **words,
    )
    return subject, body, "low_stock.index", {}
