"""Uploaded product sheets kept between their preview and their import, and the big ones
checked and imported in the background (models/exports/product_sheet/jobs.py): one row per
upload, so those never imported are deleted after a while."""
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class SheetUpload(Model):
        token = CharField(max_length=64, unique=True)
        user = ForeignKeyField(User, null=True, on_delete='SET NULL')
        locale = CharField(max_length=16, default='')
        rows = IntegerField(default=0)
        status = CharField(max_length=16, default='kept')
        only_valid = BooleanField(default=False)
        preview = JSONField(null=True)
        result = JSONField(null=True)
        error = TextField(default='')
        created_at = DateTimeField()
        queued_at = DateTimeField(null=True)
        started_at = DateTimeField(null=True)
        finished_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = 'sheet_upload'
            indexes = ((('created_at',), False),)

    db.create_tables([SheetUpload])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('sheet_upload'))
