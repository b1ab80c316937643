"""成团 (models/groupbuy/): each activity's outcome at its deadline, decided once."""
from peewee import *


def up(migrator, db):
    class FormTemplate(Model):
        class Meta:
            database = db
            table_name = 'form_template'

    class GroupOutcome(Model):
        template = ForeignKeyField(FormTemplate, unique=True, on_delete='CASCADE')
        formed = BooleanField()
        joined = IntegerField()
        minimum = IntegerField()
        decided_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'group_outcome'

    db.create_tables([GroupOutcome])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('group_outcome'))
