"""Exchanges and redo bookings (docs/after-sales.md): a case keeps the replacement order its
approval placed (one per case: a unique index) and the time a redo is booked for; a case line
keeps the product the customer asked to exchange for (none: the same product)."""

from peewee import *


def up(migrator, db):
    class Order(Model):
        class Meta:
            database = db
            table_name = "order"

    class Product(Model):
        class Meta:
            database = db
            table_name = "product"

    migrator.migrate(
        migrator.add_column(
            "aftersales_case",
            "replacement_order_id",
            ForeignKeyField(Order, null=True, unique=True, on_delete="SET NULL", field=Order.id),
        ),
        migrator.add_column("aftersales_case", "redo_starts_at", DateTimeField(null=True)),
        migrator.add_column("aftersales_case", "redo_ends_at", DateTimeField(null=True)),
        migrator.add_column(
            "aftersales_case_line",
            "replacement_product_id",
            ForeignKeyField(Product, null=True, on_delete="SET NULL", field=Product.id),
        ),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column("aftersales_case_line", "replacement_product_id"),
        migrator.drop_column("aftersales_case", "redo_ends_at"),
        migrator.drop_column("aftersales_case", "redo_starts_at"),
        migrator.drop_column("aftersales_case", "replacement_order_id"),
    )
