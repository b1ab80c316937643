"""The after-sales SLA reminder: when staff were reminded of a case left unanswered past
AFTERSALES_ANSWER_HOURS (none: not yet). Set once, by a conditional UPDATE. Plain ALTER TABLE."""
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_column('aftersales_case', 'reminded_at', DateTimeField(null=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('aftersales_case', 'reminded_at'))
