"""Courier runs and their stops (models/delivery/runs.py); couriers are accounts of role
"courier", which needs no change of the user table."""

from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class Order(Model):
        class Meta:
            database = db
            table_name = "order"

    class DeliveryWindow(Model):
        class Meta:
            database = db
            table_name = "delivery_window"

    class CourierRun(Model):
        courier = ForeignKeyField(User)
        day = DateField(index=True)
        window = ForeignKeyField(DeliveryWindow, null=True)
        started_at = DateTimeField(null=True)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "courier_run"
            indexes = ((("courier", "day"), False),)

    class RunStop(Model):
        run = ForeignKeyField(CourierRun, on_delete="CASCADE")
        order = ForeignKeyField(Order, on_delete="CASCADE")
        open_order = IntegerField(null=True, unique=True)
        position = IntegerField()
        status = CharField(default="planned")
        reason = CharField(default="")
        note = CharField(default="")
        proof_image = CharField(default="")
        cash_collected = IntegerField(default=0)
        finished_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "run_stop"

    db.create_tables([CourierRun, RunStop])


def down(migrator, db):
    for table in ("run_stop", "courier_run"):
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')
