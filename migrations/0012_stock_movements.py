"""Stock movements made by hand on the products page (models/product_admin.py)."""
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class Product(Model):
        class Meta:
            database = db
            table_name = 'product'

    class Warehouse(Model):
        class Meta:
            database = db
            table_name = 'warehouse'

    class StockMovement(Model):
        product = ForeignKeyField(Product, on_delete='CASCADE')
        warehouse = ForeignKeyField(Warehouse)
        change = IntegerField()
        kind = CharField(max_length=16)
        reason = TextField(default='')
        user = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'stock_movement'
            indexes = ((('product', 'created_at'), False),)

    db.create_tables([StockMovement])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('stock_movement'))
