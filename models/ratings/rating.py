"""A customer's rating of one order, its stars per product and its photos."""

from peewee import (
    CharField,
    Check,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from models.accounts.user import User
from models.base import BaseModel, utcnow
from models.catalog.products import Product
from models.orders.order import Order

STARS = (1, 2, 3, 4, 5)
LOW = 2  # a rating of at most this many stars tells staff (models/ratings/notices.py)
STARS_CHECK = "stars BETWEEN 1 AND 5"


class Rating(BaseModel):
    """One per order (the unique index makes a double tap one rating)."""

    order = ForeignKeyField(Order, unique=True, backref="ratings", on_delete="CASCADE")
    stars = IntegerField(constraints=[Check(STARS_CHECK)])
    comment = TextField(default="")
    reply = TextField(default="")  # the shop's one reply
    replied_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    replied_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow, index=True)

    class Meta:
        table_name = "rating"
        indexes = ((("stars", "id"), False),)


class ProductRating(BaseModel):
    """The stars one product of the order got (goods only), named as sold."""

    rating = ForeignKeyField(Rating, backref="products", on_delete="CASCADE")
    product = ForeignKeyField(Product, null=True, on_delete="SET NULL")
    name = CharField()
    stars = IntegerField(constraints=[Check(STARS_CHECK)])

    class Meta:
        table_name = "rating_product"


class RatingPhoto(BaseModel):
    """A photo the customer attached (models/uploads.py names): the image and its thumbnail."""

    rating = ForeignKeyField(Rating, backref="photos", on_delete="CASCADE")
    image = CharField(max_length=80)
    thumbnail = CharField(max_length=80)

    class Meta:
        table_name = "rating_photo"
