"""After-sales cases get a human number per shop (models/aftersales/case.py: SH-000123), taken
from the "aftersales_case" counter. Cases already there are numbered 1, 2, 3… by id and the
counter continues after them."""
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_column('aftersales_case', 'number', IntegerField(null=True)))
    db.execute_sql(
        "UPDATE aftersales_case SET number ="
        " (SELECT COUNT(*) FROM aftersales_case AS earlier WHERE earlier.id <= aftersales_case.id)"
    )
    migrator.migrate(
        migrator.add_not_null('aftersales_case', 'number'),
        migrator.add_index('aftersales_case', ('number',), True),
    )
    db.execute_sql("DELETE FROM counter WHERE name = 'aftersales_case'")
    db.execute_sql(
        "INSERT INTO counter (name, value)"
        " SELECT 'aftersales_case', COALESCE(MAX(number), 0) FROM aftersales_case"
    )


def down(migrator, db):
    db.execute_sql("DELETE FROM counter WHERE name = 'aftersales_case'")
    migrator.migrate(
        migrator.drop_index('aftersales_case', 'aftersales_case_number'),
        migrator.drop_column('aftersales_case', 'number'),
    )
