"""Reading ratings: staff's list (newest first, by stars, in keyset pages) and the ones an
activity's public page shows (its form setting `show_ratings`, off by default), each with the
customer's name masked, and their photos, public only while the rating is shown."""

from peewee import fn

from models.activities.template import FormTemplateVersion
from models.customers.customer import Customer, mask_name
from models.orders.order import Order
from models.ratings.rating import STARS, ProductRating, Rating, RatingPhoto

PAGE_SIZE = 20
PUBLIC_SIZE = 10


def with_details(ratings: list[Rating]) -> list[Rating]:
    """Each rating with `.product_stars` and `.photo_list`, in two queries for the page."""
    ids = [rating.id for rating in ratings]
    products, photos = {}, {}
    for row in (
        ProductRating.select().where(ProductRating.rating.in_(ids)).order_by(ProductRating.id)
    ):
        products.setdefault(row.rating_id, []).append(row)
    for row in RatingPhoto.select().where(RatingPhoto.rating.in_(ids)).order_by(RatingPhoto.id):
        photos.setdefault(row.rating_id, []).append(row)
    for rating in ratings:
        rating.product_stars = products.get(rating.id, [])
        rating.photo_list = photos.get(rating.id, [])
    return ratings


def _listed():
    return (
        Rating.select(Rating, Order, Customer).join(Order).join(Customer).order_by(Rating.id.desc())
    )


def ratings_page(
    stars: int | None = None, older_than: int | None = None, size: int = PAGE_SIZE
) -> tuple[list[Rating], int | None]:
    """One page of ratings, newest first (with `stars` only, when given), and the cursor of
    the next page (None on the last)."""
    query = _listed().limit(size + 1)
    if stars in STARS:
        query = query.where(Rating.stars == stars)
    if older_than is not None:
        query = query.where(Rating.id < older_than)
    rows = list(query)
    more = len(rows) > size
    rows = rows[:size]
    return with_details(rows), (rows[-1].id if more else None)


def star_counts() -> dict[int, int]:
    """How many ratings have each number of stars."""
    rows = Rating.select(Rating.stars, fn.COUNT(Rating.id)).group_by(Rating.stars).tuples()
    return {stars: count for stars, count in rows}


def average_stars(template_id: int | None = None) -> float | None:
    query = Rating.select(fn.AVG(Rating.stars))
    if template_id is not None:
        query = query.join(Order).where(Order.template == template_id)
    value = query.scalar()
    return round(float(value), 1) if value is not None else None


def shown_ratings(version: FormTemplateVersion) -> list[Rating]:
    """The activity's ratings for its public page, newest first, each with `.masked_name`;
    none unless the form's setting `show_ratings` is on."""
    if not version.setting("show_ratings"):
        return []
    rows = list(_listed().where(Order.template == version.template_id).limit(PUBLIC_SIZE))
    for rating in rows:
        rating.masked_name = mask_name(rating.order.customer.name)
    return with_details(rows)


def shown_photo(version: FormTemplateVersion, name: str) -> bool:
    """Whether `name` is a photo (or its thumbnail) of a rating the activity's public page shows
    now: its setting `show_ratings` on and the rating among the PUBLIC_SIZE newest."""
    if not version.setting("show_ratings"):
        return False
    shown = (
        Rating.select(Rating.id)
        .join(Order)
        .where(Order.template == version.template_id)
        .order_by(Rating.id.desc())
        .limit(PUBLIC_SIZE)
    )
    return (
        RatingPhoto.select()
        .where(
            RatingPhoto.rating.in_(shown),
            (RatingPhoto.image == name) | (RatingPhoto.thumbnail == name),
        )
        .exists()
    )
