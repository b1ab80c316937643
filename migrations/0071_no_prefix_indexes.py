"""An order placed writes fewer index entries (issue 22): the one-column indexes of foreign keys
that a wider index of the same table starts with are dropped. A lookup by the column reads the
wider index instead, as a foreign key's check on delete does. The order's (status, created_at)
stays: SQLite counts an unfiltered board from it, half as wide as the index the board's counts
start with (models/board/queries.py `NARROW_COUNTS`)."""

DROPPED = {  # index name: (table, its columns)
    'order_template_id': ('order', 'template_id'),
    'order_customer_id': ('order', 'customer_id'),
    'order_pickup_point_id': ('order', 'pickup_point_id'),
    'order_assignee_id': ('order', 'assignee_id'),
    'orderevent_order_id': ('order_event', 'order_id'),
    'stockmovement_product_id': ('stock_movement', 'product_id'),
    'allotment_template_id': ('allotment', 'template_id'),
}


def up(migrator, db):
    migrator.migrate(*(migrator.drop_index(table, name) for name, (table, *_) in DROPPED.items()))


def down(migrator, db):
    migrator.migrate(
        *(migrator.add_index(table, columns, False) for table, *columns in DROPPED.values())
    )
