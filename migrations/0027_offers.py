"""Coupons and 满减 (models/promotions/): the offer table, each customer's uses of an offer, and
on each order the discount it got and the offer that gave it. The order's columns by plain
ALTER TABLE: the migrator would rebuild SQLite's "order" table, dropping its triggers."""
from peewee import *


def up(migrator, db):
    class FormTemplate(Model):
        class Meta:
            database = db
            table_name = 'form_template'

    class Customer(Model):
        class Meta:
            database = db
            table_name = 'customer'

    class Offer(Model):
        name = CharField()
        code = CharField(null=True, unique=True)
        kind = CharField(default='amount')
        value = IntegerField(constraints=[Check('value > 0')])
        min_spend = IntegerField(default=0)
        total_limit = IntegerField(null=True)
        per_customer_limit = IntegerField(null=True)
        used = IntegerField(default=0, constraints=[Check('used >= 0')])
        starts_at = DateTimeField(null=True)
        ends_at = DateTimeField(null=True)
        template = ForeignKeyField(FormTemplate, null=True, on_delete='CASCADE')
        active = BooleanField(default=True)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'offer'
            constraints = [SQL('CHECK (total_limit IS NULL OR used <= total_limit)')]

    class OfferUse(Model):
        offer = ForeignKeyField(Offer, on_delete='CASCADE')
        customer = ForeignKeyField(Customer, on_delete='CASCADE')
        used = IntegerField(default=0, constraints=[Check('used >= 0')])

        class Meta:
            database = db
            table_name = 'offer_use'
            indexes = ((('offer', 'customer'), True),)

    db.create_tables([Offer, OfferUse])
    db.execute_sql('ALTER TABLE "order" ADD COLUMN discount INTEGER NOT NULL DEFAULT 0')
    db.execute_sql(
        'ALTER TABLE "order" ADD COLUMN offer_id INTEGER REFERENCES offer (id) ON DELETE SET NULL'
    )
    db.execute_sql('CREATE INDEX order_offer_id ON "order" (offer_id)')


def down(migrator, db):
    db.execute_sql('DROP INDEX order_offer_id')
    db.execute_sql('ALTER TABLE "order" DROP COLUMN offer_id')
    db.execute_sql('ALTER TABLE "order" DROP COLUMN discount')
    migrator.migrate(migrator.drop_table('offer_use'), migrator.drop_table('offer'))
