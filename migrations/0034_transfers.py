"""Transfers between warehouses (draft → in transit → received, line by line), and the ledger
movement's transfer."""
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

    class Transfer(Model):
        source = ForeignKeyField(Warehouse)
        target = ForeignKeyField(Warehouse)
        status = CharField(max_length=16, default='draft')
        note = TextField(default='')
        created_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        sent_at = DateTimeField(null=True)
        received_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = 'transfer'

    class TransferLine(Model):
        transfer = ForeignKeyField(Transfer, on_delete='CASCADE')
        product = ForeignKeyField(Product)
        quantity = IntegerField(constraints=[Check('quantity > 0')])
        received = IntegerField(default=0, constraints=[Check('received >= 0')])

        class Meta:
            database = db
            table_name = 'transfer_line'
            indexes = ((('transfer', 'product'), True),)
            constraints = [SQL('CHECK (received <= quantity)')]

    db.create_tables([Transfer, TransferLine])
    migrator.migrate(migrator.add_column('stock_movement', 'transfer_id', IntegerField(null=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('stock_movement', 'transfer_id'))
    db.execute_sql('DROP TABLE transfer_line')
    db.execute_sql('DROP TABLE transfer')
