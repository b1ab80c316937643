"""The configuration generation (models/config_cache.py): one row whose number rises with every
change to the tables an order form and the order's side effects are built from (activities and
their versions, products, categories, photos, pickup points, warehouses, delivery zones, rules,
webhook endpoints), kept by triggers whoever writes them (the app, a script, a hand-written fix).
A worker keeps what it read of those tables until the number moves. Orders, stock and places
are never among them: placing an order leaves the number alone.

Also an index on orders (template, status, customer): the 接龙 list's counts of orders and people
read it alone, never the table.
"""
from peewee import *

TABLES = (
    'form_template',
    'form_template_version',
    'product',
    'category',
    'product_photo',
    'pickup_point',
    'warehouse',
    'delivery_zone',
    'rule',
    'webhook_endpoint',
)
BUMP = 'UPDATE config_generation SET value = value + 1 WHERE id = 1'


def up(migrator, db):
    migrator.migrate(migrator.add_index('order', ('template_id', 'status', 'customer_id'), False))
    db.execute_sql(
        'CREATE TABLE config_generation (id INTEGER PRIMARY KEY CHECK (id = 1),'
        ' value BIGINT NOT NULL)'
    )
    db.execute_sql('INSERT INTO config_generation (id, value) VALUES (1, 1)')
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql(
            'CREATE FUNCTION config_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$'
            f' BEGIN {BUMP}; RETURN NULL; END $$'
        )
        for table in TABLES:  # once per statement, however many rows it touched
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
        db.execute_sql('DROP FUNCTION config_generation_bump()')
    else:
        for table in TABLES:
            for event in ('insert', 'update', 'delete'):
                db.execute_sql(f'DROP TRIGGER config_generation_{table}_{event}')
    db.execute_sql('DROP TABLE config_generation')
    migrator.migrate(migrator.drop_index('order', 'order_template_id_status_customer_id'))
