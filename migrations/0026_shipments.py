"""Express shipments: an order's carrier and tracking number (models/delivery/shipping.py).
The order status "shipped" needs no schema change (order.status is text)."""

from peewee import *


def up(migrator, db):
    class Order(Model):
        class Meta:
            database = db
            table_name = "order"

    class Shipment(Model):
        order = ForeignKeyField(Order, unique=True, on_delete="CASCADE")
        carrier = CharField()
        tracking_number = CharField()
        shipped_at = DateTimeField()

        class Meta:
            database = db
            table_name = "shipment"

    db.create_tables([Shipment])


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS "shipment"')
