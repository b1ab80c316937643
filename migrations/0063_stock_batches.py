"""Perishables: batches (lots) of a product received into a warehouse with a code and an
expiry date, their units still on the shelf and when staff were told one comes near expiry; and
the ledger movement's batch (none: units in no batch). Stock from before stays in no batch."""
from peewee import *


def up(migrator, db):
    class Product(Model):
        class Meta:
            database = db
            table_name = 'product'

    class Warehouse(Model):
        class Meta:
            database = db
            table_name = 'warehouse'

    class StockBatch(Model):
        product = ForeignKeyField(Product, on_delete='CASCADE')
        warehouse = ForeignKeyField(Warehouse)
        code = CharField(max_length=40)
        expires_on = DateField(null=True)
        received = IntegerField(constraints=[Check('received > 0')])
        on_hand = IntegerField(constraints=[Check('on_hand >= 0')])
        received_at = DateTimeField()
        warned_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = 'stock_batch'
            indexes = ((('product', 'warehouse', 'expires_on'), False),)
            constraints = [SQL('CHECK (on_hand <= received)')]

    db.create_tables([StockBatch])
    migrator.migrate(
        migrator.add_column(
            'stock_movement',
            'batch_id',
            ForeignKeyField(StockBatch, null=True, field=StockBatch.id, on_delete='SET NULL'),
        )
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_column('stock_movement', 'batch_id'))
    migrator.migrate(migrator.drop_table('stock_batch'))
