"""Average ratings for the after-sales numbers (docs/after-sales.md, "The numbers"): of the
ratings given between two stored (UTC) times, the average stars per activity (the order's
stars) and per product (the product's own stars, goods only), each one SQL GROUP BY."""

from dataclasses import dataclass
from datetime import datetime

from peewee import fn

from models.activities.template import FormTemplate
from models.orders.order import Order
from models.ratings.rating import ProductRating, Rating


@dataclass(frozen=True)
class RatingRow:
    key: int | str  # the activity's or product's id (a product gone: its name as sold)
    label: str
    ratings: int
    average: float


def _given(start: datetime, end: datetime):
    return (Rating.created_at >= start) & (Rating.created_at < end)


def _sorted(rows) -> list[RatingRow]:
    return sorted(rows, key=lambda r: (-r.ratings, r.label, str(r.key)))


def ratings_overall(start: datetime, end: datetime) -> RatingRow:
    count, average = (
        Rating.select(fn.COUNT(Rating.id), fn.AVG(Rating.stars))
        .where(_given(start, end))
        .tuples()
        .get()
    )
    return RatingRow("", "", count, float(average) if count else 0.0)


def ratings_by_activity(start: datetime, end: datetime) -> list[RatingRow]:
    query = (
        Rating.select(Order.template, FormTemplate.title, fn.COUNT(Rating.id), fn.AVG(Rating.stars))
        .join(Order)
        .join(FormTemplate)
        .where(_given(start, end))
        .group_by(Order.template, FormTemplate.title)
    )
    return _sorted(RatingRow(key, title, n, float(avg)) for key, title, n, avg in query.tuples())


def ratings_by_product(start: datetime, end: datetime) -> list[RatingRow]:
    """By product, named as sold; a product deleted since keeps its stars under that name."""
    key = fn.COALESCE(ProductRating.product.cast("TEXT"), ProductRating.name)
    query = (
        ProductRating.select(
            ProductRating.product,
            fn.MIN(ProductRating.name),
            fn.COUNT(ProductRating.id),
            fn.AVG(ProductRating.stars),
        )
        .join(Rating)
        .where(_given(start, end))
        .group_by(key, ProductRating.product)
    )
    return _sorted(
        RatingRow(product or name, name, n, float(avg)) for product, name, n, avg in query.tuples()
    )
