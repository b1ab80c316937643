"""Provider orders of online payments (models/payments/online.py): one per checkout attempt, an
unguessable unique out_trade_no, and the provider's transaction id unique so one transaction
records one payment."""

from peewee import *


def up(migrator, db):
    class Order(Model):
        class Meta:
            database = db
            table_name = 'order'

    class Payment(Model):
        class Meta:
            database = db
            table_name = 'payment'

    class OnlinePayment(Model):
        order = ForeignKeyField(Order, on_delete='CASCADE')
        provider = CharField(max_length=16)
        out_trade_no = CharField(max_length=32, unique=True)
        amount = IntegerField()
        scene = CharField(max_length=16)
        checkout_kind = CharField(max_length=16)
        checkout_url = TextField(default='')
        checkout_params = TextField(default='')
        status = CharField(max_length=16, default='open')
        transaction_id = CharField(max_length=64, null=True, unique=True)
        paid_amount = IntegerField(null=True)
        payment = ForeignKeyField(Payment, null=True, on_delete='SET NULL')
        problem = CharField(max_length=32, default='')
        created_at = DateTimeField()
        expires_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'online_payment'
            indexes = ((('order', 'status'), False),)

    db.create_tables([OnlinePayment])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('online_payment'))
