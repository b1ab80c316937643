"""Waiting lists (models/waitlist/): a customer's place in a sold-out product's line, the units
offered to them and held until `hold_until`, and the order the offer became. One place in line
per customer and product: a partial unique index (SQLite and PostgreSQL both have them)."""
from peewee import *


def up(migrator, db):
    class FormTemplate(Model):
        class Meta:
            database = db
            table_name = 'form_template'

    class Product(Model):
        class Meta:
            database = db
            table_name = 'product'

    class Customer(Model):
        class Meta:
            database = db
            table_name = 'customer'

    class Warehouse(Model):
        class Meta:
            database = db
            table_name = 'warehouse'

    class Order(Model):
        class Meta:
            database = db
            table_name = 'order'

    class WaitlistEntry(Model):
        token = CharField(unique=True)
        template = ForeignKeyField(FormTemplate, on_delete='CASCADE')
        product = ForeignKeyField(Product, on_delete='CASCADE')
        customer = ForeignKeyField(Customer, on_delete='CASCADE')
        quantity = IntegerField(constraints=[Check('quantity > 0')])
        status = CharField(max_length=16, default='waiting')
        created_at = DateTimeField()
        offered_at = DateTimeField(null=True)
        hold_until = DateTimeField(null=True, index=True)
        warehouse = ForeignKeyField(Warehouse, null=True)
        order = ForeignKeyField(Order, null=True, on_delete='SET NULL')

        class Meta:
            database = db
            table_name = 'waitlist_entry'
            indexes = ((('product', 'status', 'id'), False),)

    WaitlistEntry.add_index(
        WaitlistEntry.index(
            WaitlistEntry.product, WaitlistEntry.customer, unique=True, name='waitlist_one_place'
        ).where(WaitlistEntry.status.in_(('waiting', 'offered')))
    )
    db.create_tables([WaitlistEntry])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('waitlist_entry'))
