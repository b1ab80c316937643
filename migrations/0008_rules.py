"""Rules (models/rules.py) and the tags rules give customers."""
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class Rule(Model):
        name = CharField(max_length=80, unique=True)
        enabled = BooleanField(default=True)
        position = IntegerField(default=0)
        trigger = CharField(max_length=32)
        conditions = JSONField(default=list)
        actions = JSONField(default=list)
        created_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'rule'
            indexes = ((('trigger', 'position'), False),)

    db.create_tables([Rule])
    # The default as JSON text: the migrator writes it into existing rows as it is.
    migrator.migrate(migrator.add_column('customer', 'tags', JSONField(default='[]')))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('customer', 'tags'))
    migrator.migrate(migrator.drop_table('rule'))
