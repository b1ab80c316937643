"""Segments (saved customer filters), customers' marketing consent and opt-out, and messages
to a segment with one recipient row per customer (models/segments/, docs/customers.md)."""
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class Customer(Model):
        class Meta:
            database = db
            table_name = 'customer'

    class Outbox(Model):
        class Meta:
            database = db
            table_name = 'outbox'

    class ContactConsent(Model):
        customer = ForeignKeyField(Customer, unique=True, on_delete='CASCADE')
        marketing = BooleanField(default=False)
        token = CharField(unique=True)
        opted_out_at = DateTimeField(null=True)
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'contact_consent'

    class Segment(Model):
        name = CharField(max_length=80, unique=True)
        criteria = JSONField(default=dict)
        created_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'segment'

    class SegmentMessage(Model):
        segment = ForeignKeyField(Segment, null=True, on_delete='SET NULL')
        customer = ForeignKeyField(Customer, null=True, on_delete='SET NULL')
        audience = CharField(max_length=120)
        channel = CharField(max_length=10)
        text = TextField()
        send_key = CharField(unique=True)
        sent_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        recipients = IntegerField(default=0)
        skipped = IntegerField(default=0)

        class Meta:
            database = db
            table_name = 'segment_message'

    class SegmentRecipient(Model):
        message = ForeignKeyField(SegmentMessage, on_delete='CASCADE')
        customer = ForeignKeyField(Customer, on_delete='CASCADE')
        outbox = ForeignKeyField(Outbox, unique=True, on_delete='CASCADE')

        class Meta:
            database = db
            table_name = 'segment_recipient'
            indexes = ((('message', 'customer'), True),)

    db.create_tables([ContactConsent, Segment, SegmentMessage, SegmentRecipient])


def down(migrator, db):
    for table in ('segment_recipient', 'segment_message', 'segment', 'contact_consent'):
        migrator.migrate(migrator.drop_table(table))
