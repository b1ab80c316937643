"""Customer tiers (会员等级): the tiers an admin defines, each customer's tier, and what the
customers rollup adds for them (completed orders and what they came to, refunds taken off);
`flask --app app reports rebuild` fills the new rollup columns, the nightly run does too."""

from peewee import *


def up(migrator, db):
    class CustomerTier(Model):
        name = CharField(max_length=40, unique=True)
        rank = IntegerField(unique=True)
        min_spend = IntegerField(default=0)
        min_orders = IntegerField(default=0)
        need = CharField(max_length=8, default="all")
        days = IntegerField(default=365)
        created_at = DateTimeField()
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "customer_tier"

    db.create_tables([CustomerTier])
    migrator.migrate(
        migrator.add_column(
            "customer",
            "tier_id",
            ForeignKeyField(CustomerTier, field=CustomerTier.id, null=True, on_delete="SET NULL"),
        ),
        migrator.add_column("customer_day", "completed", IntegerField(default=0)),
        migrator.add_column("customer_day", "spent", IntegerField(default=0)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column("customer_day", "spent"),
        migrator.drop_column("customer_day", "completed"),
        migrator.drop_column("customer", "tier_id"),
        migrator.drop_table("customer_tier"),
    )
