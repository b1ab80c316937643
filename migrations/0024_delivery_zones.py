"""Delivery zones with their fees, delivery windows with places, and each delivered order's zone
and window (models/delivery/)."""

from peewee import *


def up(migrator, db):
    class DeliveryZone(Model):
        name = CharField()
        districts = JSONField(default=list)
        communities = JSONField(default=list)
        postcode_prefixes = JSONField(default=list)
        fee = IntegerField(default=0, constraints=[Check("fee >= 0")])
        minimum_order = IntegerField(default=0, constraints=[Check("minimum_order >= 0")])
        free_above = IntegerField(null=True)
        position = IntegerField(default=0)
        active = BooleanField(default=True)

        class Meta:
            database = db
            table_name = "delivery_zone"

    class DeliveryWindow(Model):
        zone = ForeignKeyField(DeliveryZone, on_delete="CASCADE")
        starts_at = DateTimeField(index=True)
        ends_at = DateTimeField()
        capacity = IntegerField(null=True)
        taken = IntegerField(default=0, constraints=[Check("taken >= 0")])
        note = CharField(default="")

        class Meta:
            database = db
            table_name = "delivery_window"

    class Order(Model):
        class Meta:
            database = db
            table_name = "order"

    class OrderDelivery(Model):
        order = ForeignKeyField(Order, unique=True, on_delete="CASCADE")
        zone = ForeignKeyField(DeliveryZone)
        window = ForeignKeyField(DeliveryWindow, null=True)

        class Meta:
            database = db
            table_name = "order_delivery"

    db.create_tables([DeliveryZone, DeliveryWindow, OrderDelivery])


def down(migrator, db):
    for table in ("order_delivery", "delivery_window", "delivery_zone"):
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')
