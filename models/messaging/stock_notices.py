"""The low-stock notice: when a product's available units in a warehouse fall to its low-stock
mark (models/catalog/alerts.py sends `stock_fell_low`, once per fall), one "announce" outbox
row is written in the movement's transaction; the worker turns it into an in-app message and an
email for every active staff member and admin (models/messaging/admin_notices.py `announce`).

When the stock is above its mark again by the time the worker reads it (restocked meanwhile),
nothing is sent.

The near-expiry notice: the hourly task (tasks/expiry.py) calls `plan_expiry_notices`, which
marks each batch coming within BATCH_NEAR_EXPIRY_DAYS of its expiry as told (an UPDATE that
matches once: models/catalog/batches.py `claim_near_expiry`) and writes one "announce" row for
it in the same transaction; staff and admins get it in-app and by email, once per batch."""

import uuid

from flask_babel import gettext as _

from models.catalog.alerts import default_mark
from models.catalog.batches import claim_near_expiry
from models.catalog.products import Product, Stock, StockBatch, Warehouse
from models.db import db
from models.messaging.outbox import add_work
from models.shop_time import shop_today

NOTICE = "stock_low"
EXPIRY_NOTICE = "batch_near_expiry"


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


def plan_expiry_notices(today=None) -> int:
    """One announce row per batch newly within the near-expiry days; how many."""
    with db.atomic():
        claimed = claim_near_expiry(today=today)
        for batch in claimed:
            payload = {"notice": EXPIRY_NOTICE, "batch": batch.id}
            add_work("announce", f"batch_expiry:{batch.id}", payload)
    return len(claimed)


def batch_expiry_text(payload: dict):
    """(subject, body, endpoint, values), or None when the batch has no units left."""
    batch = (
        StockBatch.select(StockBatch, Product, Warehouse)
        .join(Product)
        .switch(StockBatch)
        .join(Warehouse)
        .where(StockBatch.id == payload["batch"])
        .first()
    )
    if batch is None or batch.on_hand == 0 or batch.expires_on is None:
        return None
    words = {
        "product": batch.product.name,
        "warehouse": batch.warehouse.name,
        "code": batch.code,
        "units": batch.on_hand,
        "date": batch.expires_on.isoformat(),
        "days": (batch.expires_on - shop_today()).days,
    }
    subject = _("Expiring: %(product)s batch %(code)s at %(warehouse)s", **words)
    body = _(
        "Batch %(code)s of %(product)s at %(warehouse)s expires on %(date)s (in %(days)s days); "
        "%(units)s units are left. Sell it first or write it off once it has expired.",
        **words,
    )
    return subject, body, "batches.index", {"warehouse": batch.warehouse_id}
