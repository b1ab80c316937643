"""Refunds (models/payments/refunds.py): refund and refund_line; and on payment, the provider
an online payment came through, its transaction id there and our trade number there."""

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

    class OrderLine(Model):
        class Meta:
            database = db
            table_name = 'order_line'

    class Payment(Model):
        class Meta:
            database = db
            table_name = 'payment'

    class Refund(Model):
        order = ForeignKeyField(Order, on_delete='CASCADE')
        payment = ForeignKeyField(Payment, null=True, on_delete='SET NULL')
        amount = IntegerField(constraints=[Check('amount > 0')])
        method = CharField(max_length=16)
        provider = CharField(max_length=16, null=True)
        out_refund_no = CharField(max_length=64, unique=True)
        provider_refund_id = CharField(max_length=64, default='')
        reason = TextField(default='')
        status = CharField(max_length=16, default='requested')
        failure = TextField(default='')
        restock = BooleanField(default=False)
        created_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        settled_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = 'refund'
            indexes = ((('order', 'created_at'), False),)

    class RefundLine(Model):
        refund = ForeignKeyField(Refund, on_delete='CASCADE')
        line = ForeignKeyField(OrderLine, null=True, on_delete='SET NULL')
        name = CharField()
        unit_price = IntegerField()
        quantity = IntegerField(constraints=[Check('quantity > 0')])

        class Meta:
            database = db
            table_name = 'refund_line'

    migrator.migrate(
        migrator.add_column('payment', 'provider', CharField(max_length=16, null=True)),
        migrator.add_column('payment', 'provider_txn_id', CharField(max_length=64, null=True)),
        migrator.add_column('payment', 'provider_trade_no', CharField(max_length=64, null=True)),
    )
    db.create_tables([Refund, RefundLine])


def down(migrator, db):
    migrator.migrate(
        migrator.drop_table('refund_line'),
        migrator.drop_table('refund'),
        migrator.drop_column('payment', 'provider_trade_no'),
        migrator.drop_column('payment', 'provider_txn_id'),
        migrator.drop_column('payment', 'provider'),
    )
