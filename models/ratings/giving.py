"""The customer rating a completed order: which orders may be rated, and rating one.

One rating per order: the order row is locked while the rating is written and `rating.order`
is unique, so a double tap (or two phones at once) makes one rating; the later tap gets
`AlreadyRated`, which the page reads as "done". A rating of at most `LOW` stars plans an
outbox row in the same transaction (models/ratings/notices.py tells staff).
"""

from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from models.db import db, locked
from models.errors import DomainError
from models.messaging.outbox import add_work
from models.orders.order import Order, OrderLine
from models.orders.status import OrderStatus
from models.ratings.rating import LOW, STARS, ProductRating, Rating, RatingPhoto

MAX_COMMENT = 1000
LOW_RATING = "low_rating"  # the outbox kind (tasks/notifications.py WORK)


class RatingRefused(DomainError):
    message = _l("This order cannot be rated.")


class AlreadyRated(RatingRefused):
    message = _l("You have rated this order already.")


def rating_of(order: Order) -> Rating | None:
    """The order's rating with `.product_stars` and `.photo_list`, or None."""
    rating = Rating.get_or_none(Rating.order == order.id)
    if rating is not None:
        rating.product_stars = list(rating.products.order_by(ProductRating.id))
        rating.photo_list = list(rating.photos.order_by(RatingPhoto.id))
    return rating


def may_rate(order: Order, rated: bool | None = None) -> bool:
    """Completed (handed over or delivered) and not rated yet (`rated`: whether it is, when
    the caller read it already)."""
    if rated is None:
        rated = Rating.select().where(Rating.order == order.id).exists()
    return order.status == OrderStatus.COMPLETED and not rated


def rated_products(order: Order) -> list[OrderLine]:
    """The lines whose product the customer rates: goods only, one per product."""
    if order.template.kind != "goods":
        return []
    seen, lines = set(), []
    for line in order.lines.order_by(OrderLine.id):
        key = line.product_id or line.name
        if key not in seen:
            seen.add(key)
            lines.append(line)
    return lines


def _check_stars(value) -> int:
    if value not in STARS:
        raise RatingRefused(_l("Choose 1 to 5 stars."))
    return value


def rate_order(
    order: Order,
    *,
    stars: int,
    comment: str = "",
    product_stars: dict[int, int] | None = None,
    photos: tuple[tuple[str, str], ...] = (),
) -> Rating:
    """Rate `order` as its customer: `stars` for the order, `product_stars` (order line id →
    stars, for the lines of `rated_products`), a comment, photos kept by
    models/aftersales/requests.py `keep_photos`. Raises RatingRefused, AlreadyRated."""
    _check_stars(stars)
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise RatingRefused(_l("Keep it under %(max)s characters.", max=MAX_COMMENT))
    lines = {line.id: line for line in rated_products(order)}
    given = {int(k): _check_stars(v) for k, v in (product_stars or {}).items() if v}
    if any(line_id not in lines for line_id in given):
        raise RatingRefused()
    try:
        with db.atomic():
            current = locked(Order.select().where(Order.id == order.id)).get()
            if current.status != OrderStatus.COMPLETED:
                raise RatingRefused(_l("An order can be rated once it is completed."))
            if Rating.select().where(Rating.order == current.id).exists():
                raise AlreadyRated()
            rating = Rating.create(order=current.id, stars=stars, comment=comment)
            for line_id, line_stars in sorted(given.items()):
                line = lines[line_id]
                ProductRating.create(
                    rating=rating.id, product=line.product_id, name=line.name, stars=line_stars
                )
            for image, thumbnail in photos:
                RatingPhoto.create(rating=rating.id, image=image, thumbnail=thumbnail)
            if stars <= LOW:
                add_work(LOW_RATING, f"rating:low:{rating.id}", {"rating": rating.id})
    except IntegrityError as error:  # rated a moment ago by another tap
        raise AlreadyRated() from error
    return rating


def photo_of_rating(order: Order, name: str) -> bool:
    """Whether `name` is a photo (or its thumbnail) of the order's rating."""
    return (
        RatingPhoto.select()
        .join(Rating)
        .where(
            Rating.order == order.id,
            (RatingPhoto.image == name) | (RatingPhoto.thumbnail == name),
        )
        .exists()
    )
