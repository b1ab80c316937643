"""Products, warehouses and stock.

Stock is kept per product *and* warehouse; today every shop has one default
warehouse, and order lines remember the warehouse they reserved from, so more
warehouses can come later without touching orders.
"""

from peewee import (
    SQL,
    BooleanField,
    CharField,
    Check,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    JSONField,
    TextField,
)

from models.base import BaseModel, utcnow


class Warehouse(BaseModel):
    code = CharField(unique=True)
    name = CharField()

    @classmethod
    def default(cls) -> "Warehouse":
        warehouse, _ = cls.get_or_create(code="main", defaults={"name": "Main"})
        return warehouse


class Product(BaseModel):
    name = CharField()
    sku = CharField(unique=True)
    price = IntegerField(constraints=[Check("price >= 0")])  # fen
    unit = CharField(default="")
    description = TextField(default="")
    aliases = JSONField(default=list)  # other names chats use for it (models/chat_import/match.py)
    tracks_stock = BooleanField(default=True)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)


class Stock(BaseModel):
    """On hand minus reserved is what can still be sold; the database refuses negatives."""

    product = ForeignKeyField(Product, backref="stock", on_delete="CASCADE")
    warehouse = ForeignKeyField(Warehouse, backref="stock")
    on_hand = IntegerField(default=0, constraints=[Check("on_hand >= 0")])
    reserved = IntegerField(default=0, constraints=[Check("reserved >= 0")])

    class Meta:
        indexes = ((("product", "warehouse"), True),)
        constraints = [SQL("CHECK (reserved <= on_hand)")]

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved
