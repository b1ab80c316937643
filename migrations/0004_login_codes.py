"""One-time codes customers receive by SMS to open "My orders"."""
from peewee import *


def up(migrator, db):
    class LoginCode(Model):
        phone = CharField()
        code_hash = CharField()
        created_at = DateTimeField()
        expires_at = DateTimeField()
        used_at = DateTimeField(null=True)
        attempts = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'login_code'
            indexes = ((('phone', 'created_at'), False),)
    db.create_tables([LoginCode])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('login_code'))
