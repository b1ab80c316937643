"""The outbox (work an order change leaves for the workers), its deliveries and the inbox."""
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

    class Outbox(Model):
        status = CharField(default='queued')
        attempts = IntegerField(default=0)
        available_at = DateTimeField()
        locked_until = DateTimeField(null=True)
        claimed_by = CharField(default='')
        last_error = TextField(default='')
        created_at = DateTimeField()
        kind = CharField()
        payload = JSONField(default=dict)
        delivery_key = CharField(unique=True)
        done_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'outbox'
            indexes = ((('status', 'available_at'), False),)

    class Delivery(Model):
        status = CharField(default='queued')
        attempts = IntegerField(default=0)
        available_at = DateTimeField()
        locked_until = DateTimeField(null=True)
        claimed_by = CharField(default='')
        last_error = TextField(default='')
        created_at = DateTimeField()
        outbox = ForeignKeyField(Outbox, on_delete='CASCADE')
        notice = CharField()
        audience = CharField()
        channel = CharField()
        recipient = CharField()
        user = ForeignKeyField(User, null=True)
        order = ForeignKeyField(Order, null=True, on_delete='CASCADE')
        locale = CharField()
        subject = CharField(max_length=255)
        body = TextField()
        link = TextField(default='')
        delivery_key = CharField(unique=True)
        sent_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'delivery'
            indexes = ((('status', 'available_at'), False),)

    class InboxMessage(Model):
        user = ForeignKeyField(User, null=True)
        order = ForeignKeyField(Order, null=True, on_delete='CASCADE')
        delivery = ForeignKeyField(Delivery, unique=True, on_delete='CASCADE')
        title = CharField(max_length=255)
        body = TextField()
        link = TextField(default='')
        created_at = DateTimeField()
        read_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'inbox_message'
            indexes = ((('user', 'read_at'), False), (('order', 'created_at'), False))

    db.create_tables([Outbox, Delivery, InboxMessage])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('inbox_message'))
    migrator.migrate(migrator.drop_table('delivery'))
    migrator.migrate(migrator.drop_table('outbox'))
