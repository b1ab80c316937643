"""Products, warehouses and stock.

Stock is kept per product *and* warehouse. Every shop has the main warehouse
(`Warehouse.default()`); admins add more (models/catalog/warehouses.py). Order lines
remember the warehouse they reserved from.
"""

from peewee import (
    SQL,
    BooleanField,
    CharField,
    Check,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    JSONField,
    TextField,
)

from models.base import BaseModel, utcnow


class Warehouse(BaseModel):
    """A warehouse or store holding stock. `delivers`: delivery orders reserve here (one at
    most; none: the main one). `fallback`: where an order takes a line this one is short of."""

    code = CharField(unique=True)
    name = CharField()
    address = TextField(default="")
    active = BooleanField(default=True)
    delivers = BooleanField(default=False)
    fallback = ForeignKeyField("self", null=True)

    @classmethod
    def default(cls) -> "Warehouse":
        warehouse, _ = cls.get_or_create(code="main", defaults={"name": "Main"})
        return warehouse

    @classmethod
    def for_delivery(cls) -> "Warehouse":
        """Where delivery orders reserve: the one that `delivers`, else the main one."""
        chosen = cls.get_or_none((cls.delivers == True) & (cls.active == True))  # noqa: E712
        return chosen or cls.default()


class Category(BaseModel):
    """A heading the order forms group products under (models/catalog/categories.py);
    `position`: its place among the others, smallest first."""

    name = CharField(unique=True)
    position = IntegerField(default=0)


class ProductFamily(BaseModel):
    """One product with options (规格, models/catalog/variants.py): its variants are products
    (`Product.family`), each with its own SKU, price, unit and stock; the order forms show them
    as one product with a choice."""

    name = CharField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "productfamily"


class Product(BaseModel):
    name = CharField()  # a variant's: its family's name and its option ("苹果 500 g")
    sku = CharField(unique=True)
    price = IntegerField(constraints=[Check("price >= 0")])  # fen
    # fen, what one unit costs the shop (None: not known); a purchase order received sets it
    cost_price = IntegerField(null=True, constraints=[Check("cost_price >= 0")])
    unit = CharField(default="")
    description = TextField(default="")
    aliases = JSONField(default=list)  # other names chats use for it (models/chat_import/match.py)
    tracks_stock = BooleanField(default=True)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    category = ForeignKeyField(Category, null=True, backref="products", on_delete="SET NULL")
    family = ForeignKeyField(
        ProductFamily, null=True, backref="variants", on_delete="SET NULL", index=True
    )
    option = CharField(default="")  # a variant's label within its family ("500 g", "辣味")

    class Meta:
        indexes = ((("active", "name", "id"), False),)  # the admin list's order (migration 0064)


class Stock(BaseModel):
    """On hand minus reserved is what can still be sold; the database refuses negatives.
    `low_mark`: available at or below it is low stock (None: the STOCK_LOW_UNITS setting);
    `low_since`: when it fell low and staff were told, None once above the mark again
    (models/catalog/alerts.py)."""

    product = ForeignKeyField(Product, backref="stock", on_delete="CASCADE")
    warehouse = ForeignKeyField(Warehouse, backref="stock")
    on_hand = IntegerField(default=0, constraints=[Check("on_hand >= 0")])
    reserved = IntegerField(default=0, constraints=[Check("reserved >= 0")])
    low_mark = IntegerField(null=True, constraints=[Check("low_mark >= 0")])
    low_since = DateTimeField(null=True)

    class Meta:
        indexes = ((("product", "warehouse"), True),)
        constraints = [SQL("CHECK (reserved <= on_hand)")]

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class StockBatch(BaseModel):
    """A lot of a product received into a warehouse with a code and an expiry date
    (models/catalog/batches.py). `on_hand`: its units still on the shelf; the stock row's on
    hand is the sum of its batches plus the units in none (stock from before batches, counted
    in, returned: a batch without expiry, used last). `warned_at`: when staff were told it
    comes near expiry (once per batch)."""

    product = ForeignKeyField(Product, backref="batches", on_delete="CASCADE")
    warehouse = ForeignKeyField(Warehouse, backref="batches")
    code = CharField(max_length=40)
    expires_on = DateField(null=True)
    received = IntegerField(constraints=[Check("received > 0")])
    on_hand = IntegerField(constraints=[Check("on_hand >= 0")])
    received_at = DateTimeField(default=utcnow)
    warned_at = DateTimeField(null=True)

    class Meta:
        table_name = "stock_batch"
        indexes = ((("product", "warehouse", "expires_on"), False),)
        constraints = [SQL("CHECK (on_hand <= received)")]


# The rows low now, by product (the products list's filter, the board header's count): a
# partial index of those few rows (migration 0064).
Stock.add_index(
    Stock.index(Stock.product, name="stock_low_product").where(Stock.low_since.is_null(False))
)
