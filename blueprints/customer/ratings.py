"""The customer's rating of a completed order on the tracking page (docs/after-sales.md,
Ratings): a plain multipart form that htmx sends in place, and the rating's photos, shown only
to whoever holds the order's link (its unguessable token is the customer) and to staff."""

from flask import Blueprint, abort, url_for

from blueprints.images import image_response
from blueprints.rendering import go, render, wants_fragment
from forms.ratings import build_rating_form
from models.aftersales.requests import keep_photos
from models.errors import DomainError
from models.orders.order import Order
from models.ratings.giving import (
    AlreadyRated,
    may_rate,
    photo_of_rating,
    rate_order,
    rated_products,
    rating_of,
)

bp = Blueprint("ratings_customer", __name__, url_prefix="/o")

PAGE, PART = "ratings/page.html", "ratings/_customer.html"


def _order(token: str) -> Order:
    order = Order.by_token(token)
    if order is None:
        abort(404)
    return order


def rating_context(order: Order, form=None, error: str = "") -> dict:
    """What templates/ratings/_customer.html needs (the tracking page includes it)."""
    rating = rating_of(order)
    open_to_rate = rating is None and may_rate(order, rated=False)
    if open_to_rate and form is None:
        form = build_rating_form(rated_products(order))
    return {"rating": rating, "may_rate": open_to_rate, "rating_form": form, "rating_error": error}


def _page(order: Order, status: int = 200, form=None, error: str = ""):
    return render(PAGE, PART, status=status, order=order, **rating_context(order, form, error))


@bp.get("/<token>/rating")
def form_page(token):
    return _page(_order(token))


@bp.post("/<token>/rating")
def submit(token):
    order = _order(token)
    form = build_rating_form(rated_products(order))
    if not form.validate():
        return _page(order, 422, form)
    try:
        photos = keep_photos(form.photo_bytes())
    except DomainError as error:  # BadImage, or too many
        form.photos.errors = [str(error)]
        return _page(order, 422, form)
    try:
        rate_order(
            order,
            stars=form.stars.data,
            comment=form.comment.data or "",
            product_stars=form.product_stars(),
            photos=photos,
        )
    except AlreadyRated:  # a second tap: the first rating stands
        pass
    except DomainError as error:
        return _page(order, 422, form, error=str(error))
    if wants_fragment():
        return _page(order)
    return go(url_for("tracking.order_page", token=token, _anchor="rating"))


@bp.get("/<token>/rating/photos/<name>")
def photo(token, name):
    if not photo_of_rating(_order(token), name):
        abort(404)
    return image_response(name)
