"""Variants (规格, models/catalog/variants.py): a product family table, a product's optional
family (set to none when the family goes) with its option label, and an index on the family
(the variants of a family). The family's name is on the order forms, so a change to the table
raises the configuration generation like the others of 0060 (on SQLite, adding the option
column builds the product table anew: its triggers are made again)."""
from peewee import *

BUMP = 'UPDATE config_generation SET value = value + 1 WHERE id = 1'


def up(migrator, db):
    class ProductFamily(Model):
        name = CharField()
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'productfamily'

    db.create_tables([ProductFamily])
    migrator.migrate(
        migrator.add_column(
            'product',
            'family_id',
            ForeignKeyField(
                ProductFamily, null=True, field=ProductFamily.id, on_delete='SET NULL'
            ),
        ),
        migrator.add_column('product', 'option', CharField(default='')),
    )
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql(
            'CREATE TRIGGER config_generation_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE'
            ' ON "productfamily" FOR EACH STATEMENT EXECUTE FUNCTION config_generation_bump()'
        )
        return
    for table in ('productfamily', 'product'):
        _sqlite_triggers(db, table)


def _sqlite_triggers(db, table):
    """0060's triggers on `table`. SQLite adds a NOT NULL column by building the table anew,
    which drops the triggers on it: those on product are made again too."""
    for event in ('INSERT', 'UPDATE', 'DELETE'):
        db.execute_sql(
            f'CREATE TRIGGER IF NOT EXISTS config_generation_{table}_{event.lower()} AFTER {event}'
            f' ON "{table}" BEGIN {BUMP}; END'
        )


def down(migrator, db):
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql('DROP TRIGGER config_generation_bump ON "productfamily"')
    else:
        for event in ('insert', 'update', 'delete'):
            db.execute_sql(f'DROP TRIGGER config_generation_productfamily_{event}')
    migrator.migrate(migrator.drop_column('product', 'option'))
    migrator.migrate(migrator.drop_column('product', 'family_id'))
    migrator.migrate(migrator.drop_table('productfamily'))
    if not isinstance(db, PostgresqlDatabase):
        _sqlite_triggers(db, 'product')
