"""Ratings (models/ratings/rating.py): rating (one per order), rating_product (stars per
product of goods) and rating_photo."""

from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class Order(Model):
        class Meta:
            database = db
            table_name = "order"

    class Product(Model):
        class Meta:
            database = db
            table_name = "product"

    class Rating(Model):
        order = ForeignKeyField(Order, unique=True, on_delete="CASCADE")
        stars = IntegerField(constraints=[Check("stars BETWEEN 1 AND 5")])
        comment = TextField(default="")
        reply = TextField(default="")
        replied_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
        replied_at = DateTimeField(null=True)
        created_at = DateTimeField(index=True)

        class Meta:
            database = db
            table_name = "rating"
            indexes = ((("stars", "id"), False),)

    class ProductRating(Model):
        rating = ForeignKeyField(Rating, on_delete="CASCADE")
        product = ForeignKeyField(Product, null=True, on_delete="SET NULL")
        name = CharField()
        stars = IntegerField(constraints=[Check("stars BETWEEN 1 AND 5")])

        class Meta:
            database = db
            table_name = "rating_product"

    class RatingPhoto(Model):
        rating = ForeignKeyField(Rating, on_delete="CASCADE")
        image = CharField(max_length=80)
        thumbnail = CharField(max_length=80)

        class Meta:
            database = db
            table_name = "rating_photo"

    db.create_tables([Rating, ProductRating, RatingPhoto])


def down(migrator, db):
    for table in ("rating_photo", "rating_product", "rating"):
        migrator.migrate(migrator.drop_table(table))
