"""Categories and product photos (models/catalog/categories.py, models/catalog/photos.py): a
category table, a product's optional category (set to none when its category is deleted) and
the photos of a product, each kept at several widths (their stored names in `widths`)."""
from peewee import *


def up(migrator, db):
    class Product(Model):
        class Meta:
            database = db
            table_name = 'product'

    class Category(Model):
        name = CharField(unique=True)
        position = IntegerField(default=0)

        class Meta:
            database = db
            table_name = 'category'

    class ProductPhoto(Model):
        product = ForeignKeyField(Product, on_delete='CASCADE')
        position = IntegerField(default=0)
        widths = JSONField(default=list)

        class Meta:
            database = db
            table_name = 'product_photo'
            indexes = ((('product', 'position'), False),)

    db.create_tables([Category, ProductPhoto])
    migrator.migrate(
        migrator.add_column(
            'product',
            'category_id',
            ForeignKeyField(Category, null=True, field=Category.id, on_delete='SET NULL'),
        )
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_column('product', 'category_id'))
    migrator.migrate(migrator.drop_table('product_photo'), migrator.drop_table('category'))
