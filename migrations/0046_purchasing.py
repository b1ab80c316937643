"""Suppliers and purchase orders (draft → sent → partly received → received, or cancelled),
line by line into a warehouse at a unit cost in fen; and the ledger movement's purchase order."""
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

    class Supplier(Model):
        name = CharField(max_length=100)
        contact = CharField(max_length=100, default='')
        phone = CharField(max_length=40, default='')
        note = TextField(default='')
        active = BooleanField(default=True)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'supplier'

    class PurchaseOrder(Model):
        supplier = ForeignKeyField(Supplier)
        status = CharField(max_length=16, default='draft')
        note = TextField(default='')
        created_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        sent_at = DateTimeField(null=True)
        received_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = 'purchase_order'

    class PurchaseLine(Model):
        order = ForeignKeyField(PurchaseOrder, on_delete='CASCADE')
        product = ForeignKeyField(Product)
        warehouse = ForeignKeyField(Warehouse)
        quantity = IntegerField(constraints=[Check('quantity > 0')])
        unit_cost = IntegerField(constraints=[Check('unit_cost >= 0')])
        received = IntegerField(default=0, constraints=[Check('received >= 0')])

        class Meta:
            database = db
            table_name = 'purchase_line'
            indexes = ((('order', 'product', 'warehouse'), True),)

    db.create_tables([Supplier, PurchaseOrder, PurchaseLine])
    migrator.migrate(migrator.add_column('stock_movement', 'purchase_id', IntegerField(null=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('stock_movement', 'purchase_id'))
    db.execute_sql('DROP TABLE purchase_line')
    db.execute_sql('DROP TABLE purchase_order')
    db.execute_sql('DROP TABLE supplier')
