"""The demo catalog's variants (规格, models/catalog/variants.py): the Fuji apples in a 3 kg and
a 5 kg box, and a homemade chilli sauce, mild or hot; each variant with its own SKU, price,
cost price and stock in both warehouses, offered on the fruit form as one product with a
choice."""

from dataclasses import replace

from commands.demo.photos import demo_photo
from models.catalog.admin import INITIAL_STOCK, ProductDetails, create_product, receive_stock
from models.catalog.categories import create_category
from models.catalog.photos import add_photos
from models.catalog.products import Product, Warehouse
from models.catalog.variants import VariantDetails, make_family

COST_SHARE = 0.62  # as commands/demo/shop.py's
SAUCE = ProductDetails(
    name="自制辣椒酱 Homemade chilli sauce",
    sku="FD-CHILLI-M",
    price=1800,
    cost_price=round(1800 * COST_SHARE),
    unit="250g",
    description="每周小批量熬制。\nMade in small batches every week.",
)


def _stock(product: Product, main: int) -> None:
    note = str(INITIAL_STOCK)
    receive_stock(product, Warehouse.default(), main, reason=note)
    receive_stock(product, Warehouse.get(Warehouse.code == "metro"), main // 5, reason=note)


def build_variants(products: list[Product]) -> list[Product]:
    """Give the apples a second size and add the sauce in two flavours. The catalog read again
    (the apples' name now says its size), the new products last."""
    apples = next(p for p in products if p.sku == "FR-APPLE")
    five = VariantDetails(
        "5kg", "FR-APPLE-5", 5500, unit="5kg", cost_price=round(5500 * COST_SHARE)
    )
    _stock(make_family(apples, "3kg", five), 150)
    # "苹果" in a pasted 接龙 (commands/demo/shop.py ALIASES) is the usual box, not either size
    Product.update(aliases=["苹果"]).where(Product.id == apples.id).execute()

    homemade = create_category("自制小食 Homemade")
    mild = create_product(replace(SAUCE, category_id=homemade.id))
    _stock(mild, 80)
    add_photos(mild, [demo_photo(mild.sku)])
    hot = VariantDetails("辣味 Hot", "FD-CHILLI-H", 1900, cost_price=round(1900 * COST_SHARE))
    _stock(make_family(mild, "原味 Mild", hot), 60)

    ids = [p.id for p in products]
    fresh = {p.id: p for p in Product.select().where(Product.id.in_(ids))}
    new = Product.select().where(Product.id.not_in(ids)).order_by(Product.id)
    return [fresh[i] for i in ids] + list(new)
