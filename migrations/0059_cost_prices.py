"""Cost prices and margins: a product's cost price (none: not known), the cost of each order
line when it was sold, and the sales rollup's cost of the units sold with one and what they sold
for (models/reports/rollups.py SalesDay; filled when a bucket is recounted). Plain ALTER TABLE."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column(
            'product',
            'cost_price',
            IntegerField(null=True, constraints=[Check('cost_price >= 0')]),
        ),
        migrator.add_column('order_line', 'unit_cost', IntegerField(null=True)),
        migrator.add_column('sales_day', 'cost', IntegerField(default=0)),
        migrator.add_column('sales_day', 'costed_revenue', IntegerField(default=0)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('sales_day', 'costed_revenue'),
        migrator.drop_column('sales_day', 'cost'),
        migrator.drop_column('order_line', 'unit_cost'),
        migrator.drop_column('product', 'cost_price'),
    )
