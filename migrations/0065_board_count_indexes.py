"""The staff board's counts per status by pickup point or by assignee, read from an index alone
(issue 22). The two indexes that page the board by pickup point and by assignee (migration 0005)
are widened to hold the id and the status: pages read them as before, newest first, and the
counts read the status from them without visiting the table. The order table keeps the same
number of indexes, so an order write has no more to update."""
from playhouse.migrate import make_index_name

WIDENED = {
    ('pickup_point_id', 'created_at'): ('pickup_point_id', 'created_at', 'id', 'status'),
    ('assignee_id', 'created_at'): ('assignee_id', 'created_at', 'id', 'status'),
}


def up(migrator, db):
    for old, new in WIDENED.items():
        migrator.migrate(
            migrator.add_index('order', new, False),
            migrator.drop_index('order', make_index_name('order', old)),
        )


def down(migrator, db):
    for old, new in WIDENED.items():
        migrator.migrate(
            migrator.add_index('order', old, False),
            migrator.drop_index('order', make_index_name('order', new)),
        )
