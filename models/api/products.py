"""Products as the API shows them, with stock summed over warehouses, in keyset pages by id."""

from peewee import JOIN, fn

from models.catalog.products import Product, Stock


def products_after(after: int, limit: int) -> tuple[list[dict], int | None]:
    """Up to `limit` products with ids above `after`, and the next page's `after` (or None)."""
    query = (
        Product.select(
            Product,
            fn.COALESCE(fn.SUM(Stock.on_hand), 0).alias("on_hand"),
            fn.COALESCE(fn.SUM(Stock.reserved), 0).alias("reserved"),
        )
        .join(Stock, JOIN.LEFT_OUTER, on=(Stock.product == Product.id))
        .where(Product.id > after)
        .group_by(Product.id)
        .order_by(Product.id)
        .limit(limit + 1)
    )
    rows = list(query)
    more = len(rows) > limit
    rows = rows[:limit]
    page = [
        {
            "id": p.id,
            "name": p.name,
            "sku": p.sku,
            "price_fen": p.price,
            "unit": p.unit,
            "active": p.active,
            "tracks_stock": p.tracks_stock,
            "on_hand": int(p.on_hand),
            "available": int(p.on_hand) - int(p.reserved),
        }
        for p in rows
    ]
    return page, (rows[-1].id if more else None)
