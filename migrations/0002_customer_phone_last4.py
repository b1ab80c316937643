"""Customers get an indexed copy of their phone's last four digits, for staff search."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('customer', 'phone_last4', CharField(max_length=4, default='')),
        migrator.add_index('customer', ('phone_last4',), False),
    )
    db.execute_sql("UPDATE customer SET phone_last4 = SUBSTR(phone, LENGTH(phone) - 3, 4)")


def down(migrator, db):
    migrator.migrate(migrator.drop_column('customer', 'phone_last4'))
