"""Spreadsheet exports built in the background (models/export_job.py)."""
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class ExportJob(Model):
        user = ForeignKeyField(User, on_delete='CASCADE')
        format = CharField(max_length=8)
        query = TextField(default='')
        locale = CharField(max_length=16)
        status = CharField(max_length=16, default='queued')
        row_count = IntegerField(default=0)
        file_name = CharField(max_length=64)
        error = TextField(default='')
        created_at = DateTimeField()
        started_at = DateTimeField(null=True)
        finished_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'export_job'
            indexes = ((('user', 'created_at'), False), (('status', 'created_at'), False))

    db.create_tables([ExportJob])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('export_job'))
