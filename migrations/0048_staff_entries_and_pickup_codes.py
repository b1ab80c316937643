"""Orders staff entered on a customer's behalf (models/staff_entry/): who entered each and by
which channel (a phone call, a walk-in, a chat message); the order itself has source "staff".
Pickup codes (models/pickup/): the short code of each pickup order, unique across the shop;
orders at a pickup point placed before get theirs here."""
import secrets
from datetime import UTC, datetime

from peewee import *

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class Order(Model):
        pickup_point = IntegerField(null=True, column_name='pickup_point_id')

        class Meta:
            database = db
            table_name = 'order'

    class StaffEntry(Model):
        order = ForeignKeyField(Order, unique=True, on_delete='CASCADE')
        channel = CharField(max_length=16)
        entered_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'staff_entry'

    class PickupCode(Model):
        order = ForeignKeyField(Order, unique=True, on_delete='CASCADE')
        code = CharField(max_length=12, unique=True)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'pickup_code'

    db.create_tables([StaffEntry, PickupCode])
    taken = set()
    now = datetime.now(UTC).replace(tzinfo=None)
    for (order_id,) in Order.select(Order.id).where(Order.pickup_point.is_null(False)).tuples():
        code = None
        while code is None or code in taken:
            code = ''.join(secrets.choice(ALPHABET) for _ in range(6))
        taken.add(code)
        PickupCode.insert(order=order_id, code=code, created_at=now).execute()


def down(migrator, db):
    migrator.migrate(migrator.drop_table('pickup_code'), migrator.drop_table('staff_entry'))
