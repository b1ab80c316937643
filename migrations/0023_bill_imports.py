"""Providers' bills as imported for the settlement report (models/reports/imports.py)."""

from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class BillImport(Model):
        provider = CharField(max_length=16)
        filename = CharField(max_length=200, default="")
        uploaded_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = DateTimeField()
        starts_at = DateTimeField(null=True)
        ends_at = DateTimeField(null=True)
        errors = JSONField(default=list)
        skipped = IntegerField(default=0)
        matched_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "bill_import"

    class BillLine(Model):
        bill_import = ForeignKeyField(BillImport, on_delete="CASCADE")
        row = IntegerField(null=True)
        kind = CharField(max_length=16)
        occurred_at = DateTimeField()
        transaction_id = CharField(max_length=64, default="")
        out_trade_no = CharField(max_length=64, default="")
        refund_no = CharField(max_length=64, default="")
        amount = IntegerField(default=0)
        fee = IntegerField(default=0)
        note = TextField(default="")
        outcome = CharField(max_length=16, default="")
        order_number = IntegerField(null=True)
        jielong_key = IntegerField(null=True)
        jielong_amount = IntegerField(null=True)

        class Meta:
            database = db
            table_name = "bill_line"
            indexes = (
                (("bill_import", "row"), False),
                (("occurred_at",), False),
            )

    db.create_tables([BillImport, BillLine])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("bill_line"), migrator.drop_table("bill_import"))
