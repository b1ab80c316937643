"""The catalog as a product sheet (`ExportTable`, written as CSV or XLSX by
models/exports/table.py): every product, for sale or not, by SKU, with its stock and low mark in
every warehouse, and a variant's family and option. The import reads it back unchanged (tests/catalog/test_product_sheet.py)."""

from models.catalog.products import Category, Product, ProductFamily, Stock, Warehouse
from models.exports.product_sheet.columns import header, yes_no
from models.exports.table import ExportTable
from models.money import amount

BATCH = 500


def product_table() -> ExportTable:
    Warehouse.default()  # made on first use
    warehouses = list(Warehouse.select().order_by(Warehouse.id))
    columns = header([w.code for w in warehouses])
    return ExportTable([c.label for c in columns], _rows(warehouses))


def _rows(warehouses):
    categories = {c.id: c.name for c in Category.select()}
    last = ""
    while True:  # by SKU, a batch at a time (keyset), each batch's stock in one query
        products = list(
            Product.select().where(Product.sku > last).order_by(Product.sku).limit(BATCH)
        )
        if not products:
            return
        stock = {
            (s.product_id, s.warehouse_id): s
            for s in Stock.select().where(Stock.product.in_([p.id for p in products]))
        }
        family_ids = list({p.family_id for p in products if p.family_id})
        families = {
            f.id: f.name for f in ProductFamily.select().where(ProductFamily.id.in_(family_ids))
        }
        for product in products:
            yield _row(product, categories, warehouses, stock, families)
        last = products[-1].sku


def _row(product: Product, categories, warehouses, stock, families) -> list:
    row = [
        product.sku,
        families.get(product.family_id, ""),
        product.option if product.family_id else "",
        product.name,
        categories.get(product.category_id, ""),
        amount(product.price),
        "" if product.cost_price is None else amount(product.cost_price),
        product.unit,
        product.description,
        ", ".join(product.aliases or ()),
        yes_no(product.tracks_stock),
        yes_no(product.active),
    ]
    for warehouse in warehouses:
        held = stock.get((product.id, warehouse.id))
        if not product.tracks_stock:
            row += ["", ""]
        else:
            row += [
                held.on_hand if held else 0,
                "" if not held or held.low_mark is None else held.low_mark,
            ]
    return row
