"""Payments an order received (models/payments.py)."""
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

    class Payment(Model):
        order = ForeignKeyField(Order, on_delete='CASCADE')
        amount = IntegerField(constraints=[Check('amount > 0')])
        method = CharField(max_length=16)
        note = TextField(default='')
        recorded_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'payment'
            indexes = ((('order', 'created_at'), False),)

    db.create_tables([Payment])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('payment'))
