"""The shop's collection QR codes and customers' payment claims (models/payments/).

payment_claim: the open claims, oldest first, for staff's queue (status, created_at), and one
open claim per order, a partial unique index (SQLite and PostgreSQL both have them).
"""
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class Order(Model):
        class Meta:
            database = db
            table_name = 'order'

    class CollectionCode(Model):
        kind = CharField(max_length=16, unique=True)
        image = CharField(max_length=100)
        updated_at = DateTimeField()
        updated_by = ForeignKeyField(User, null=True, on_delete='SET NULL')

        class Meta:
            database = db
            table_name = 'collection_code'

    class PaymentClaim(Model):
        order = ForeignKeyField(Order, on_delete='CASCADE')
        amount = IntegerField()
        method = CharField(max_length=16)
        screenshot = CharField(max_length=100, null=True)
        status = CharField(max_length=16, default='open')
        created_at = DateTimeField()
        decided_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        decided_at = DateTimeField(null=True)
        reason = TextField(default='')

        class Meta:
            database = db
            table_name = 'payment_claim'
            indexes = ((('status', 'created_at'), False),)

    PaymentClaim.add_index(
        PaymentClaim.index(PaymentClaim.order, unique=True, name='paymentclaim_one_open').where(
            PaymentClaim.status == 'open'
        )
    )
    db.create_tables([CollectionCode, PaymentClaim])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('payment_claim'), migrator.drop_table('collection_code'))
