"""The customers rollup (models/reports/rollups.py CustomerDay): per shop day, activity and
customer, the orders and their totals, kept by the sales recount; filled by
`flask --app app reports rebuild`."""

from peewee import *


def up(migrator, db):
    class CustomerDay(Model):
        day = DateField()
        activity = IntegerField()
        customer = IntegerField()
        orders = IntegerField()
        revenue = IntegerField()

        class Meta:
            database = db
            table_name = "customer_day"
            indexes = (
                (("day", "activity"), False),
                (("customer", "day", "orders", "revenue"), False),
            )

    db.create_tables([CustomerDay])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("customer_day"))
