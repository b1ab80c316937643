"""Indexes in the order the inventory pages read (bench/inventory.py: 5,000 products, 1,000,000
ledger rows):

- the products list a page at a time (models/catalog/admin.py): (active, name, id), the list's
  order, so a page (the first or the hundredth, by keyset) reads only its rows;
- the stock rows low now (`low_since` set) by product, for the list's "low on stock" filter and
  the board header's count: a partial index holding only those few rows;
- a product's ledger newest first by (created_at, id) (models/catalog/ledger.py), of all its
  rows and of each kind: (product, created_at, id) and (product, kind, created_at, id) replace
  (product, created_at) and (product, id), so the date and kind filters and a deep page start
  where they should, and a ledger row writes as many index entries as before.
"""
from peewee import *


def up(migrator, db):
    db.execute_sql('CREATE INDEX product_active_name_id ON product (active, name, id)')
    db.execute_sql(
        'CREATE INDEX stock_low_product ON stock (product_id) WHERE low_since IS NOT NULL'
    )
    db.execute_sql(
        'CREATE INDEX stockmovement_product_id_created_at_id'
        ' ON stock_movement (product_id, created_at, id)'
    )
    db.execute_sql(
        'CREATE INDEX stockmovement_product_id_kind_created_at_id'
        ' ON stock_movement (product_id, kind, created_at, id)'
    )
    db.execute_sql('DROP INDEX stockmovement_product_id_created_at')
    db.execute_sql('DROP INDEX stock_movement_product_id_id')


def down(migrator, db):
    db.execute_sql('CREATE INDEX stock_movement_product_id_id ON stock_movement (product_id, id)')
    db.execute_sql(
        'CREATE INDEX stockmovement_product_id_created_at ON stock_movement (product_id, created_at)'
    )
    db.execute_sql('DROP INDEX stockmovement_product_id_kind_created_at_id')
    db.execute_sql('DROP INDEX stockmovement_product_id_created_at_id')
    db.execute_sql('DROP INDEX stock_low_product')
    db.execute_sql('DROP INDEX product_active_name_id')
