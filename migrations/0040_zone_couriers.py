"""A delivery zone's own courier: the rules engine's "assign a courier by zone" gives the zone's
orders to them (models/delivery/dispatch.py)."""

from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    migrator.migrate(
        migrator.add_column(
            'delivery_zone',
            'courier_id',
            ForeignKeyField(User, field=User.id, null=True, on_delete='SET NULL'),
        ),
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_column('delivery_zone', 'courier_id'))
