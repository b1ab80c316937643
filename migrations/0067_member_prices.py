"""Member prices (会员价, models/tiers/prices.py): a product's price for a customer tier, at most
one per product and tier. What a worker keeps of a published activity carries them, so the
configuration generation (migration 0060) follows this table too, and the tiers' table (their
names show beside the member prices on the order form)."""
from peewee import *

TABLES = ('tier_price', 'customer_tier')
BUMP = 'UPDATE config_generation SET value = value + 1 WHERE id = 1'


def up(migrator, db):
    class Product(Model):
        class Meta:
            database = db
            table_name = 'product'

    class CustomerTier(Model):
        class Meta:
            database = db
            table_name = 'customer_tier'

    class TierPrice(Model):
        product = ForeignKeyField(Product, on_delete='CASCADE')
        tier = ForeignKeyField(CustomerTier, on_delete='CASCADE')
        price = IntegerField(constraints=[Check('price >= 0')])

        class Meta:
            database = db
            table_name = 'tier_price'
            indexes = ((('product', 'tier'), True),)

    db.create_tables([TierPrice])
    if isinstance(db, PostgresqlDatabase):  # the function is migration 0060's
        for table in TABLES:
            db.execute_sql(
                f'CREATE TRIGGER config_generation_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE'
                f' ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION config_generation_bump()'
            )
        return
    for table in TABLES:
        for event in ('INSERT', 'UPDATE', 'DELETE'):
            db.execute_sql(
                f'CREATE TRIGGER config_generation_{table}_{event.lower()} AFTER {event}'
                f' ON "{table}" BEGIN {BUMP}; END'
            )


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        for table in TABLES:
            db.execute_sql(f'DROP TRIGGER config_generation_bump ON "{table}"')
    else:
        for table in TABLES:
            for event in ('insert', 'update', 'delete'):
                db.execute_sql(f'DROP TRIGGER config_generation_{table}_{event}')
    migrator.migrate(migrator.drop_table('tier_price'))
