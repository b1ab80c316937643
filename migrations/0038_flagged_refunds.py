"""A refund of a flagged online payment (models/payments/flagged_refunds.py): the refund row
names the provider order it gives back, since no payment row was recorded for it."""

from peewee import *


def up(migrator, db):
    class OnlinePayment(Model):
        class Meta:
            database = db
            table_name = 'online_payment'

    migrator.migrate(
        migrator.add_column(
            'refund',
            'online_payment_id',
            ForeignKeyField(OnlinePayment, field=OnlinePayment.id, null=True, on_delete='SET NULL'),
        ),
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_column('refund', 'online_payment_id'))
