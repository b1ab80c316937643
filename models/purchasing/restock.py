"""Restock suggestions: how many units of each product to order for each warehouse, from how
fast it sells and how long goods take to arrive.

For the last `days` days (the window), per product and warehouse:

    ordered   = units orders reserved there, less those released again (cancelled, lowered),
                from the stock ledger (kinds "reserved" and "released"), never below 0
    per day   = ordered / days                                   (the sales velocity)
    cover     = available / per day       days the units no order holds still last
    suggested = ceil(per day × (lead + cover wanted)) − available − on order, at least 0

`lead` is the days from ordering to the goods on the shelf, `cover wanted` the days the shelf
should last once they arrived; `on order` is what open purchase orders still bring (none until
suppliers exist). Products not for sale, and those that do not track stock, are left out; so are
rows with nothing ordered in the window (no velocity, nothing to suggest).
"""

import math
from dataclasses import dataclass
from datetime import timedelta

from peewee import fn

from models.base import utcnow
from models.catalog.ledger import StockMovement
from models.catalog.products import Product, Stock, Warehouse

DAYS, LEAD_DAYS, COVER_DAYS = 30, 3, 14  # the page's defaults
MAX_DAYS = 365


@dataclass(frozen=True)
class Suggestion:
    product: Product
    warehouse: Warehouse
    ordered: int  # units ordered in the window, net of releases
    per_day: float
    available: int
    on_order: int
    suggested: int

    @property
    def cover_days(self) -> float | None:
        """Days the available units last at this pace (None: nothing sells)."""
        return self.available / self.per_day if self.per_day else None


def _ordered_since(since, warehouse_id: int | None) -> dict[tuple[int, int], int]:
    """{(product id, warehouse id): units reserved less released since `since`}."""
    net = fn.SUM(StockMovement.reserved_change)  # +N reserved, −N released
    query = (
        StockMovement.select(StockMovement.product, StockMovement.warehouse, net.alias("net"))
        .where(
            StockMovement.created_at >= since,
            StockMovement.kind.in_(("reserved", "released")),
        )
        .group_by(StockMovement.product, StockMovement.warehouse)
    )
    if warehouse_id:
        query = query.where(StockMovement.warehouse == warehouse_id)
    return {(row.product_id, row.warehouse_id): max(0, int(row.net or 0)) for row in query}


def suggestions(
    *,
    days: int = DAYS,
    lead_days: int = LEAD_DAYS,
    cover_days: int = COVER_DAYS,
    warehouse_id: int | None = None,
    on_order: dict[tuple[int, int], int] | None = None,
) -> list[Suggestion]:
    """The suggestions, those with the fewest days of cover first. `on_order`: {(product id,
    warehouse id): units open purchase orders still bring}."""
    ordered = _ordered_since(utcnow() - timedelta(days=days), warehouse_id)
    if not ordered:
        return []
    on_order = on_order or {}
    product_ids = sorted({product_id for product_id, _w in ordered})
    products = {
        p.id: p
        for p in Product.select().where(
            Product.id.in_(product_ids),
            Product.active == True,  # noqa: E712
            Product.tracks_stock == True,  # noqa: E712
        )
    }
    warehouses = {w.id: w for w in Warehouse.select().where(Warehouse.active == True)}  # noqa: E712
    rows = Stock.select().where(Stock.product.in_(product_ids))
    available = {(s.product_id, s.warehouse_id): s.available for s in rows}
    found = []
    for (product_id, warehouse_id), units in ordered.items():
        if not units or product_id not in products or warehouse_id not in warehouses:
            continue
        per_day = units / days
        free = available.get((product_id, warehouse_id), 0)
        coming = on_order.get((product_id, warehouse_id), 0)
        need = math.ceil(per_day * (lead_days + cover_days) - 1e-9) - free - coming
        found.append(
            Suggestion(
                products[product_id],
                warehouses[warehouse_id],
                units,
                per_day,
                free,
                coming,
                max(0, need),
            )
        )
    return sorted(found, key=lambda s: (s.cover_days, s.product.name, s.warehouse.id))
