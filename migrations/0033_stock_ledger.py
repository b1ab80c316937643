"""One stock ledger: a movement also records what orders hold (`reserved_change`) and the order
it belongs to, and the ledger is read a page at a time by (product, id). Stock that was there
before gets an "opening" movement per product and warehouse, so from here on every stock row is
its ledger's sum (models/catalog/ledger.py)."""
from datetime import UTC, datetime

from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('stock_movement', 'reserved_change', IntegerField(default=0)),
        migrator.add_column('stock_movement', 'order_number', IntegerField(null=True)),
        migrator.add_index('stock_movement', ('product_id', 'id'), False),
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    db.execute_sql(
        """
        INSERT INTO stock_movement
            (product_id, warehouse_id, change, reserved_change, kind, reason, created_at)
        SELECT product_id, warehouse_id, on_hand - moved, reserved, 'opening', '', %s
        FROM (
            SELECT s.product_id, s.warehouse_id, s.on_hand, s.reserved,
                   COALESCE((SELECT SUM(m.change) FROM stock_movement m
                             WHERE m.product_id = s.product_id
                               AND m.warehouse_id = s.warehouse_id), 0) AS moved
            FROM stock s
        ) AS before
        WHERE on_hand <> moved OR reserved <> 0
        """.replace('%s', db.param),
        (now,),
    )


def down(migrator, db):
    db.execute_sql("DELETE FROM stock_movement WHERE kind = 'opening'")
    migrator.migrate(
        migrator.drop_index('stock_movement', 'stock_movement_product_id_id'),
        migrator.drop_column('stock_movement', 'order_number'),
        migrator.drop_column('stock_movement', 'reserved_change'),
    )
