"""Low-stock alerts: a stock row's own low-stock mark (none: the STOCK_LOW_UNITS setting) and
when it fell to the mark and staff were told (none: above it). Plain ALTER TABLE."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column(
            'stock', 'low_mark', IntegerField(null=True, constraints=[Check('low_mark >= 0')])
        ),
        migrator.add_column('stock', 'low_since', DateTimeField(null=True)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('stock', 'low_since'),
        migrator.drop_column('stock', 'low_mark'),
    )
