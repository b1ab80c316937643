"""A returning customer on the same device (docs/group-buy.md): placing an order sets a signed
cookie holding only the customer's id and pickup point, never their name or phone; the next
order form read on this device fills those in, with a "Not you?" button that forgets them
(a plain form post: it works without JavaScript)."""

from flask import Blueprint, current_app, request, url_for
from itsdangerous import BadData, URLSafeTimedSerializer

from blueprints.rendering import go
from forms.ordering.contact import prefill
from models.privacy.remembered import Remembered, remembered_customer

bp = Blueprint("returning", __name__, url_prefix="/f")

COOKIE, DAYS = "returning", 180
MAX_AGE = DAYS * 86400
SALT = "returning-customer"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def _cookie() -> dict:
    """The cookie's attributes: never read by scripts, sent on links from chats, and only over
    HTTPS when the shop is on HTTPS."""
    return {"httponly": True, "samesite": "Lax", "secure": request.is_secure}


def remember(response, order):
    """`response` (to a placed order) with the cookie: the order's own ids, no query."""
    value = _serializer().dumps([order.customer_id, order.pickup_point_id])
    response.set_cookie(COOKIE, value, max_age=MAX_AGE, **_cookie())
    return response


def _read() -> tuple[int, int | None] | None:
    """(customer id, pickup point id) from an intact cookie younger than DAYS, else None."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        customer_id, point_id = _serializer().loads(raw, max_age=MAX_AGE)
    except (BadData, TypeError, ValueError):
        return None

    def whole(value) -> bool:
        return type(value) is int and 0 < value < 2**63

    if not whole(customer_id) or not (point_id is None or whole(point_id)):
        return None
    return customer_id, point_id


def prefilled(activity, form, checkout) -> Remembered | None:
    """Fill in a new order form for the device's returning customer; None (and the form left
    as is) without a cookie, or with one tampered with, expired or naming an erased customer."""
    ids = _read()
    if ids is None:
        return None
    remembered = remembered_customer(*ids, [point.id for point in activity.pickup_points])
    if remembered is not None:
        prefill(form, checkout, remembered)
    return remembered


@bp.post("/<slug>/not-you")
def forget(slug):
    """Not you? Forget this device's customer and show the form again, empty."""
    response = go(url_for("ordering.form_page", slug=slug))
    response.delete_cookie(COOKIE, **_cookie())
    return response
