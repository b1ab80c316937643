"""Several warehouses: a warehouse's address, whether it is in use, whether it ships delivery
orders, and the warehouse it may fall back to when short; each pickup point is served by one
warehouse (none: the main one). Plain ALTER TABLE, so SQLite keeps its tables as they are."""
from peewee import *


def up(migrator, db):
    class Warehouse(Model):
        class Meta:
            database = db
            table_name = 'warehouse'

    migrator.migrate(
        migrator.add_column('warehouse', 'address', TextField(default='')),
        migrator.add_column('warehouse', 'active', BooleanField(default=True)),
        migrator.add_column('warehouse', 'delivers', BooleanField(default=False)),
        migrator.add_column(
            'warehouse', 'fallback_id', ForeignKeyField(Warehouse, field=Warehouse.id, null=True)
        ),
        migrator.add_column(
            'pickup_point', 'warehouse_id', ForeignKeyField(Warehouse, field=Warehouse.id, null=True)
        ),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('pickup_point', 'warehouse_id'),
        migrator.drop_column('warehouse', 'fallback_id'),
        migrator.drop_column('warehouse', 'delivers'),
        migrator.drop_column('warehouse', 'active'),
        migrator.drop_column('warehouse', 'address'),
    )
