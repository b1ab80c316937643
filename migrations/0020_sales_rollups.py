"""The sales rollups (models/reports/rollups.py), filled by `flask --app app reports rebuild`."""

from peewee import *


def up(migrator, db):
    class SalesBucket(Model):
        day = DateField()
        activity = IntegerField()
        recounted_at = DateTimeField()

        class Meta:
            database = db
            table_name = "sales_bucket"
            indexes = ((("day", "activity"), True),)

    class SalesHour(Model):
        day = DateField()
        weekday = IntegerField()
        hour = IntegerField()
        activity = IntegerField()
        pickup_point = IntegerField()
        method = CharField(max_length=16)
        orders = IntegerField()
        revenue = IntegerField()
        refunds = IntegerField()

        class Meta:
            database = db
            table_name = "sales_hour"
            indexes = (
                (("day", "activity"), False),
                (("activity", "day"), False),
                (("pickup_point", "day"), False),
                (("method", "day"), False),
            )

    class SalesDay(Model):
        day = DateField()
        activity = IntegerField()
        pickup_point = IntegerField()
        method = CharField(max_length=16)
        product = IntegerField()
        name = CharField()
        orders = IntegerField()
        units = IntegerField()
        revenue = IntegerField()
        refunds = IntegerField()

        class Meta:
            database = db
            table_name = "sales_day"
            indexes = (
                (("day", "activity"), False),
                (("activity", "day"), False),
                (("pickup_point", "day"), False),
                (("method", "day"), False),
                (("product", "day"), False),
            )

    db.create_tables([SalesBucket, SalesHour, SalesDay])


def down(migrator, db):
    for table in ("sales_day", "sales_hour", "sales_bucket"):
        migrator.migrate(migrator.drop_table(table))
