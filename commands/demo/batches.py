"""The demo's perishables: a few batches with expiry dates received into the warehouses after
the orders, so the page of batches near expiry has one to show (strawberries, in 2 days), one
expired to write off, and later ones (docs/inventory.md)."""

from datetime import timedelta

from models.accounts.user import User
from models.catalog.admin import receive_stock
from models.catalog.products import Product, Warehouse
from models.shop_time import shop_today

# sku, warehouse code, units, batch code, days until expiry (negative: expired)
BATCHES = [
    ("FR-STRAW", "main", 24, "SB-A", 2),
    ("FR-STRAW", "main", 40, "SB-B", 9),
    ("FR-ORANGE", "main", 50, "GN-1", 30),
    ("FR-STRAW", "metro", 3, "SB-0", -1),
]


def build_batches(staff: User) -> None:
    today = shop_today()
    for sku, code, units, batch, days in BATCHES:
        product = Product.get_or_none(Product.sku == sku)
        warehouse = Warehouse.get_or_none(Warehouse.code == code)
        if product is None or warehouse is None:
            continue
        receive_stock(
            product,
            warehouse,
            units,
            reason="到货 Delivery",
            by=staff,
            batch=batch,
            expires_on=today + timedelta(days=days),
        )
