"""/f/<slug>/wait: a customer joins a sold-out product's waiting list; /w/<token> is their place
in line (the link is theirs, unguessable), where an offer shows with its hold and places the
order in one tap. Plain forms; htmx only swaps them."""

from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _

from blueprints.rendering import go, render
from forms.ordering.waitlist import join_form, take_offer_form
from models.activities.published import find_activity, offered_products, pickup_points
from models.customers.phones import mask_phone
from models.errors import DomainError
from models.params import positive_id
from models.waitlist.entry import OFFERED, ORDERED, by_token, join, place_in_line
from models.waitlist.offers import OfferGone, claim, hold_minutes, withdraw

bp = Blueprint("waitlist", __name__)

JOIN = ("waitlist/join.html", "waitlist/_join.html")
PLACE = ("waitlist/place.html", "waitlist/_place.html")


def _activity(slug: str):
    found = find_activity(slug)
    if found is None:
        abort(404)
    template, version = found
    products = [p for p in offered_products(version).values() if p.tracks_stock]
    return template, version, products


@bp.route("/f/<slug>/wait", methods=["GET", "POST"])
def join_page(slug):
    template, version, products = _activity(slug)
    chosen = positive_id(request.args.get("product"))
    if request.method == "GET":
        form = join_form(products, chosen=chosen)
        return render(*JOIN, hold_minutes=hold_minutes(template), template=template, form=form)
    form = join_form(products, request.form)
    if not form.validate():
        return render(
            *JOIN, hold_minutes=hold_minutes(template), status=422, template=template, form=form
        )
    try:
        entry = join(
            template,
            version,
            product_id=form.product.data,
            name=form.name.data,
            phone=form.phone.data,
            quantity=form.quantity.data,
        )
    except DomainError as error:
        form[error.details.get("field", "quantity")].errors = [str(error)]
        return render(
            *JOIN, hold_minutes=hold_minutes(template), status=422, template=template, form=form
        )
    return go(url_for(".place", token=entry.token))


def _entry(token: str):
    entry = by_token(token)
    if entry is None:
        abort(404)
    return entry


def _place(entry, status=200, form=None, message=None):
    version = entry.template.latest_version()
    points = pickup_points(version) if version else []
    return render(
        *PLACE,
        status=status,
        entry=entry,
        place=place_in_line(entry),
        phone=mask_phone(entry.customer.phone),
        form=form or take_offer_form(points),
        message=message,
        OFFERED=OFFERED,
        ORDERED=ORDERED,
    )


@bp.get("/w/<token>")
def place(token):
    entry = _entry(token)
    return _place(entry)


@bp.post("/w/<token>/order")
def take_offer(token):
    entry = _entry(token)
    version = entry.template.latest_version()
    form = take_offer_form(pickup_points(version) if version else [], request.form)
    if not form.validate():
        return _place(entry, 422, form)
    try:
        order = claim(entry, fulfilment=form.fulfilment.data or None)
    except OfferGone as error:
        return _place(by_token(token), 409, message=str(error))
    except DomainError as error:
        return _place(entry, 422, form, message=str(error))
    return go(url_for("tracking.order_page", token=order.tracking_token))


@bp.post("/w/<token>/leave")
def leave(token):
    entry = _entry(token)
    withdraw(entry)
    return _place(by_token(token), message=_("You have left the waiting list."))
