"""Sales by source: the sales rollups (models/reports/rollups.py) count orders by how they came
too. Rows counted before say "form" until their bucket is recounted: the nightly rebuild, or
`flask --app app reports rebuild` right after upgrading. The funnel's counts of form views and
starts per activity and minute (FunnelMinute)."""
from peewee import *


def up(migrator, db):
    class FunnelMinute(Model):
        activity = IntegerField()
        minute = DateTimeField()
        day = DateField()
        views = IntegerField(default=0)
        starts = IntegerField(default=0)

        class Meta:
            database = db
            table_name = 'funnel_minute'
            indexes = (
                (('activity', 'minute'), True),
                (('day', 'activity'), False),
            )

    migrator.migrate(
        migrator.add_column('sales_hour', 'source', CharField(max_length=16, default='form')),
        migrator.add_column('sales_day', 'source', CharField(max_length=16, default='form')),
        migrator.add_index('sales_hour', ('source', 'day'), False),
        migrator.add_index('sales_day', ('source', 'day'), False),
    )
    db.create_tables([FunnelMinute])


def down(migrator, db):
    migrator.migrate(
        migrator.drop_table('funnel_minute'),
        migrator.drop_index('sales_day', 'salesday_source_day'),
        migrator.drop_index('sales_hour', 'saleshour_source_day'),
        migrator.drop_column('sales_day', 'source'),
        migrator.drop_column('sales_hour', 'source'),
    )
