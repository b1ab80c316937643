"""The customers directory for staff: search by name, phone or its last 4 digits, by tag or tier;
keyset pages of 50; one customer's card, orders, tags and the notes on their orders.

The queries are in models/board/directory.py; tags go through models/customers/tags.py.
"""

from dataclasses import replace
from urllib.parse import urlencode

from flask import Blueprint, make_response, redirect, render_template, request, url_for

from blueprints.access import role_required
from blueprints.rendering import or_404, render, wants_fragment
from forms.staff.customer_tag import TagForm
from models.board.directory import CustomerFilter, customer_page, notes_on_orders_of, orders_of
from models.board.queries import Cursor
from models.customers.customer import Customer
from models.customers.tags import add_tag as add_customer_tag
from models.customers.tags import remove_tag as remove_customer_tag
from models.customers.tags import tags_in_use
from models.customers.tier import CustomerTier
from models.errors import DomainError
from models.orders.detail import NO_ORDERS, customer_totals
from models.orders.notes import NOTE_KINDS
from models.orders.text import lines_text
from models.params import choice, positive_id, shop_date
from models.reports.customers import SEGMENTS, segment_members
from models.segments.segment import Segment
from models.shop_time import shop_today

bp = Blueprint("customers", __name__, url_prefix="/customers")

PAGE, LIST, MORE = "customers/index.html", "customers/_list.html", "customers/_more.html"
CUSTOMER_PAGE, CARD = "customers/customer.html", "customers/_customer.html"


def _url(customer_filter: CustomerFilter, **extra) -> str:
    args = customer_filter.to_args() + [(key, str(value)) for key, value in extra.items()]
    return url_for("customers.index") + (f"?{urlencode(args)}" if args else "")


@bp.get("/")
@role_required("staff")
def index():
    customer_filter, among = _segment(CustomerFilter.from_args(request.args))
    saved = _saved(request.args.get("saved"))
    if saved is not None:
        among = saved.members() if among is None else saved.members().where(Customer.id.in_(among))
    keep = {"saved": saved.id} if saved else {}
    after = Cursor.parse(request.args.get("after"))
    page = customer_page(customer_filter, after, among=among)
    tiers = list(CustomerTier.ranked())  # the filter's choices, the best first
    context = {
        "customer_filter": customer_filter,
        "tier_names": {tier.id: tier.name for tier in tiers},
        "segment_label": SEGMENTS.get(customer_filter.segment),
        "saved": saved,
        "page": page,
        "after": after,
        "here": _url(customer_filter, **keep),
        "more_url": _url(customer_filter, **keep, after=page.next) if page.next else None,
    }
    if after and wants_fragment():  # "More" appends the next page's rows
        return render_template(MORE, **context)
    if wants_fragment():
        response = make_response(render_template(LIST, **context))
        response.headers["HX-Push-Url"] = context["here"]  # the canonical URL of the filter
    else:
        response = make_response(render_template(PAGE, tags=tags_in_use(), tiers=tiers, **context))
    response.vary.add("HX-Request")
    return response


def _saved(raw: str | None) -> Segment | None:
    """The saved segment (/segments) the list is filtered by: `saved=<id>`."""
    segment_id = positive_id(raw)
    return Segment.get_or_none(Segment.id == segment_id) if segment_id else None


def _segment(customer_filter: CustomerFilter):
    """The filter with a known segment and its day (today if none or unreadable), and the
    segment's customers; an unknown segment is left out."""
    if not choice(customer_filter.segment, SEGMENTS):
        return replace(customer_filter, segment="", on=""), None
    on = shop_date(customer_filter.on) or shop_today()
    return replace(customer_filter, on=on.isoformat()), segment_members(customer_filter.segment, on)


def _card_context(customer: Customer, tag_form=None) -> dict:
    """What the customer card reads (templates/customers/_card.html)."""
    return {
        "customer": customer,
        "totals": customer_totals([customer.id]).get(customer.id, NO_ORDERS),
        "tag_form": tag_form or TagForm(formdata=None),
    }


def _page(customer: Customer, status: int = 200, tag_form=None):
    orders = orders_of(customer)
    return render(
        CUSTOMER_PAGE,
        CARD,
        status,
        orders=orders,
        notes=notes_on_orders_of(customer),
        note_kinds=NOTE_KINDS,
        lines_text=lines_text,
        **_card_context(customer, tag_form),
    )


@bp.get("/<id:customer_id>")
@role_required("staff")
def show(customer_id: int):
    return _page(or_404(Customer.get_or_none(Customer.id == customer_id)))


@bp.post("/<id:customer_id>/tags")
@role_required("staff")
def add_tag(customer_id: int):
    customer = or_404(Customer.get_or_none(Customer.id == customer_id))
    form = TagForm()
    if form.validate_on_submit():
        try:
            add_customer_tag(customer.id, form.tag.data)
        except DomainError as error:
            form.tag.errors = [str(error)]
        else:
            return _card(customer_id, TagForm(formdata=None), 200)
    return _card(customer_id, form, 422)


@bp.post("/<id:customer_id>/tags/remove")
@role_required("staff")
def remove_tag(customer_id: int):
    customer = or_404(Customer.get_or_none(Customer.id == customer_id))
    remove_customer_tag(customer.id, request.form.get("tag", ""))
    return _card(customer_id, TagForm(formdata=None), 200)


def _card(customer_id: int, form, status: int):
    """The card after a tag change; without JavaScript the page (303 after a change)."""
    customer = or_404(
        Customer.get_or_none(Customer.id == customer_id)
    )  # with the tags as they are now
    if not wants_fragment():
        if status == 200:
            return redirect(url_for(".show", customer_id=customer_id), code=303)
        return _page(customer, status, form)
    return render(CARD, CARD, status, **_card_context(customer, form))
