"""Stock levels set by an integration (`stock:write`): a stock-take through the same
conditional update as the products page's count (models/catalog/admin.py `count_stock`)."""

from models.catalog.admin import count_stock
from models.catalog.products import Product, Stock, Warehouse


def set_on_hand(product: Product, warehouse: Warehouse, on_hand: int, name: str) -> dict:
    """On hand becomes `on_hand` (which must cover what open orders hold: HeldByOrders), the
    movement's reason naming the integration; the product's stock there, as now stored."""
    count_stock(product, warehouse, on_hand, reason=f"API: {name}")
    return stock_json(Stock.get(Stock.product == product.id, Stock.warehouse == warehouse.id))


def stock_json(row: Stock) -> dict:
    return {
        "product": row.product_id,
        "warehouse": row.warehouse.code,
        "on_hand": row.on_hand,
        "available": row.on_hand - row.reserved,
    }
