"""The customer's ordering page of an activity, its live stock and total, and its 接龙 list.

Every page works as a plain HTML form; htmx adds the live parts (stock and total as the
customer types, per-field checks when a field loses focus, the list as people join).
"""

from functools import partial

from flask import Blueprint, abort, g, make_response, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from blueprints.customer.link_preview import preview_of
from blueprints.customer.returning import prefilled, remember
from blueprints.rendering import go, render, wants_fragment
from forms.ordering.checkout import APPLY_COUPON, build_checkout_form
from forms.ordering.delivery import build_delivery_form
from forms.ordering.order_form import build_order_form, cleaned_answers, requested_lines
from forms.ordering.steppers import STEP, quantity_limits, stepped
from i18n import format_slot
from models.activities.activity import OPEN, STATE_TITLES, load_activity, quote
from models.activities.fields import line_fields
from models.activities.slots import describe, next_free_slot
from models.config_cache import read_every_time, read_generation_once
from models.db import one_snapshot
from models.delivery.checkout import submit_delivered_order, zone_quote
from models.delivery.windows import NoSuchWindow, WindowFull, bookable_windows
from models.delivery.zones import NoSuchZone, OutsideEveryZone, active_zones, match_zone
from models.errors import DomainError, OutOfStock
from models.groupbuy.group import group_progress
from models.groupbuy.tiers import tier_status
from models.leaders.leader import attribute, leader_by_ref
from models.orders.changes import activity_stamp
from models.orders.checkout import submit_order
from models.orders.placing import SlotFull
from models.promotions.pricing import CouponRefused, offers_shown
from models.ratings.queries import shown_ratings
from models.reports.funnel_counter import count_start, count_view, flush_due
from models.storefront.chain import chain_from, chain_tail

bp = Blueprint("ordering", __name__, url_prefix="/f")


@bp.before_request
def _configuration_checked_once():
    """No page here changes the shop's configuration: its kept parts are checked once a
    request (models/config_cache.py)."""
    g.configuration_once = read_generation_once()


@bp.teardown_request
def _configuration_checked_every_time(_error):
    if "configuration_once" in g:
        read_every_time(g.pop("configuration_once"))


PAGE, FORM = "ordering/page.html", "ordering/_form.html"
REF_COOKIE, REF_DAYS = "ref", 30  # the leader whose share link the customer came by


def _activity(slug: str):
    activity = load_activity(slug)
    if activity is None:
        abort(404)
    return activity


def _forms(activity, formdata=None):
    """The order form and the checkout form; `checkout.zoned` is the delivery-zone form when
    the activity delivers and the shop has zones (models/delivery/), else None."""
    form = build_order_form(activity.version, formdata=formdata, products=activity.products)
    checkout = build_checkout_form(
        activity.pickup_points, activity.delivery["enabled"], formdata=formdata
    )
    zones = active_zones() if activity.delivery["enabled"] else []
    checkout.zoned = (
        build_delivery_form(
            zones, lambda: bookable_windows([z.id for z in zones]), formdata=formdata
        )
        if zones
        else None
    )
    return form, checkout


def _priced(activity, form, checkout) -> dict:
    """The total of the quantities on the page (with the chosen delivery zone's fee) less its
    offer, with what to say about the offer: `price`, `offer` (the choice, with why a code was
    refused) and `next_offer`."""
    quantities = {
        pid: qty
        for pid, qty in requested_lines(form, activity.version)
        if isinstance(qty, int) and qty > 0
    }
    # the member prices of the typed phone's tier: read (one statement) only when a product
    # chosen has a member price (docs/customers.md, "Member prices")
    phone = form["phone"].data if "phone" in form else ""
    member = activity.published.member_prices_for(list(quantities), phone=phone or "")
    if checkout.zoned and checkout.delivered:
        zone = checkout.zoned.chosen_zone()
        price = zone_quote(activity.version, quantities, activity.products, zone, member)
    else:
        price = quote(
            activity.version,
            quantities,
            activity.products,
            delivered=checkout.delivered,
            member=member,
        )
    template_id = activity.template.id
    price, offer, following = offers_shown(template_id, price, checkout.coupon.data or "")
    return {"price": price, "offer": offer, "next_offer": following}


@one_snapshot()  # stock, places and the list as of one moment
def _page(activity, form, checkout, status=200, **extra):
    return render(
        PAGE,
        FORM,
        status=status,
        activity=activity,
        form=form,
        checkout=checkout,
        **_priced(activity, form, checkout),
        group=group_progress(activity.version),
        tiers=tier_status(activity.version, activity.products),
        products_by_id=activity.products,
        stock_left=activity.stock_left,
        showcase=activity.showcase,
        member_offers=activity.published.member_offers(),
        slots_left=activity.slots_left,
        chain=chain_tail(activity.template.id)
        if activity.version.setting("show_chain_list")
        else None,
        check_url=lambda name: url_for(".check_field", slug=activity.template.slug, name=name),
        ratings=shown_ratings(activity.version),
        kept_parts=activity.published.kept_parts,
        **extra,
    )


def point_at_next_slot(form, activity, name: str) -> None:
    """After the chosen slot of field `name` filled up: untick it, and name and mark the
    next free one."""
    field, spec = form[name], activity.version.field(name)
    full, field.data = field.data, None
    free = next_free_slot(spec, activity.slots_left.get(name, {}), full)
    field.suggested = free
    message = _("This time slot has just been fully booked.")
    if free is None:
        field.errors = [message + " " + _("No other slot has a place left.")]
        return
    slot = describe(spec, free)
    field.errors = [message + " " + _("The next free one is %(slot)s.", slot=format_slot(slot))]


def mark_short_lines(form, version, short: dict[int, int]) -> None:
    """Put "only N left" on each product line that could not be filled."""
    for spec in line_fields(version.fields):
        for line in form[spec["name"]]:
            left = short.get(int(line.short_name))
            if left is not None:
                line.errors = [
                    _("Only %(count)s left. Lower the quantity and send again.", count=left)
                    if left > 0
                    else _("Sold out in the meantime. Set this line to 0.")
                ]


@bp.get("/<slug>")
@one_snapshot()
def form_page(slug):
    activity = _activity(slug)
    if activity.state != OPEN:
        return render(
            "ordering/unavailable.html",
            "ordering/unavailable.html",
            activity=activity,
            title=STATE_TITLES[activity.state],
            preview=preview_of(activity),
            chain=chain_tail(activity.template.id)
            if activity.version.setting("show_chain_list")
            else None,
        )
    form, checkout = _forms(activity)
    remembered = prefilled(activity, form, checkout)
    page = _page(
        activity,
        form,
        checkout,
        preview=preview_of(activity),
        remembered=remembered,
        pristine=True,  # nothing sent yet: fields may be kept (templates/order_form/_fields.html)
    )
    response = make_response(page)
    if remembered is not None:  # the customer's own name and phone: for no shared cache
        response.headers["Cache-Control"] = "private, no-store"
    if not wants_fragment():
        count_view(activity.template.id)
        response.call_on_close(flush_due)
    leader = leader_by_ref(request.args.get("ref"))
    if leader is not None:  # kept for when the customer comes back on this device
        response.set_cookie(
            REF_COOKIE, str(leader.id), max_age=REF_DAYS * 86400, httponly=True, samesite="Lax"
        )
    return response


@bp.post("/<slug>")
def submit(slug):
    activity = _activity(slug)
    _started(activity)
    form, checkout = _forms(activity, request.form)
    if STEP in request.form:  # a − or + button without JavaScript: show the form again
        form, checkout = _forms(activity, stepped(request.form, quantity_limits(form)))
        return _page(activity, form, checkout)
    if APPLY_COUPON in request.form:  # the coupon's Apply without JavaScript: the new total
        refused = _priced(activity, form, checkout)["offer"].refused
        checkout.coupon.errors = [refused] if refused else []
        return _page(activity, form, checkout, status=422 if refused else 200)
    valid = form.validate_on_submit()
    if not (checkout.validate() and valid):
        return _page(activity, form, checkout, status=422)
    if checkout.zoned and checkout.delivered:
        return _submit_delivered(activity, form, checkout)
    try:
        order, created = submit_order(
            activity.template,
            activity.version,
            answers=cleaned_answers(form, activity.version),
            quantities=dict(requested_lines(form, activity.version)),
            fulfilment=checkout.method.data,
            address=checkout.address.data or "",
            submission_key=checkout.key.data,
            locale="zh_CN" if get_locale().language == "zh" else "en",
            coupon=checkout.coupon.data or "",
            also=_referral(),
        )
    except OutOfStock as error:
        form.form_errors.append(str(error))
        mark_short_lines(form, activity.version, error.details.get("short", {}))
        return _page(load_activity(slug), form, checkout, status=422)
    except SlotFull as error:
        activity = load_activity(slug)
        point_at_next_slot(form, activity, error.details["field"])
        return _page(activity, form, checkout, status=422)
    except CouponRefused as error:
        checkout.coupon.errors = [str(error)]
        return _page(load_activity(slug), form, checkout, status=422)
    except DomainError as error:
        form.form_errors.append(str(error))
        return _page(activity, form, checkout, status=422)
    return _placed(order, created)


@bp.post("/<slug>/started")
def started(slug):
    """The page's script says the customer began filling the form (once per page)."""
    _started(_activity(slug))
    return "", 204


def _started(activity) -> None:
    """Counted once per submission key (the form's, one per page opened)."""
    key = request.form.get("checkout-key", "")[:64]
    if key:
        count_start(activity.template.id, key)


def _referral():
    """Crediting the leader whose share link brought the customer (the cookie it set), done
    inside the new order's transaction (place_order's `also`); None without one."""
    leader = leader_by_ref(request.cookies.get(REF_COOKIE))
    return None if leader is None else partial(attribute, leader=leader)


def _placed(order, created: bool):
    """To the new order's page; the device remembers the customer for their next order."""
    return remember(go(url_for("tracking.order_page", token=order.tracking_token)), order)


def _submit_delivered(activity, form, checkout):
    """Delivery in a zone: the zone is the customer's choice, or found from the address and
    shown for them to confirm (a second submit); an address in no zone places no order."""
    zoned, address = checkout.zoned, checkout.address.data or ""
    if zoned.zone.data is not None and zoned.chosen_zone() is None:
        zoned.zone.errors = [str(NoSuchZone())]
        return _page(activity, form, checkout, status=422)
    if zoned.zone.data is None:
        zone = match_zone(address, list(zoned.zones.values()))
        if zone is None:
            zoned.zone.errors = [str(OutsideEveryZone())]
        else:
            zoned.zone.data = zone.id
            zoned.zone.errors = [
                _("Your address is in %(zone)s. Check it, then place the order.", zone=zone.name)
            ]
        return _page(activity, form, checkout, status=422)
    try:
        order, created = submit_delivered_order(
            activity.template,
            activity.version,
            zone_id=zoned.zone.data,
            window_id=zoned.window.data,
            address=address,
            answers=cleaned_answers(form, activity.version),
            quantities=dict(requested_lines(form, activity.version)),
            submission_key=checkout.key.data,
            locale="zh_CN" if get_locale().language == "zh" else "en",
            coupon=checkout.coupon.data or "",
            also=_referral(),
        )
    except NoSuchZone as error:
        zoned.zone.errors = [str(error)]
        return _page(activity, form, checkout, status=422)
    except (NoSuchWindow, WindowFull) as error:
        activity = load_activity(activity.template.slug)
        form, checkout = _forms(activity, request.form)
        checkout.zoned.window.errors = [str(error)]
        return _page(activity, form, checkout, status=422)
    except OutOfStock as error:
        form.form_errors.append(str(error))
        mark_short_lines(form, activity.version, error.details.get("short", {}))
        return _page(load_activity(activity.template.slug), form, checkout, status=422)
    except CouponRefused as error:
        checkout.coupon.errors = [str(error)]
        return _page(load_activity(activity.template.slug), form, checkout, status=422)
    except DomainError as error:  # BelowZoneMinimum, ActivityNotOpen, ...
        form.form_errors.append(str(error))
        return _page(activity, form, checkout, status=422)
    return _placed(order, created)


@bp.get("/<slug>/live")
@one_snapshot()
def live(slug):
    """Stock left and the total for the quantities on the page, as out-of-band swaps."""
    activity = _activity(slug)
    form, checkout = _forms(activity, request.args)
    return render(
        "ordering/_live.html",
        "ordering/_live.html",
        **_priced(activity, form, checkout),
        group=group_progress(activity.version),
        tiers=tier_status(activity.version, activity.products),
        products_by_id=activity.products,
        stock_left=activity.stock_left,
    )


@bp.post("/<slug>/check/<name>")
def check_field(slug, name):
    """The error text of one field, checked as the whole form would check it."""
    activity = _activity(slug)
    form, _checkout = _forms(activity, request.form)
    if name not in form or name == "csrf_token":
        abort(404)
    form.validate()
    return render(
        "ordering/_field_error.html",
        "ordering/_field_error.html",
        status=422 if form[name].errors else 200,
        field=form[name],
    )


@bp.get("/<slug>/list")
@one_snapshot()
def chain_page(slug):
    activity = _activity(slug)
    if not activity.version.setting("show_chain_list"):
        abort(404)
    stamp = activity_stamp(activity.template.id)
    if wants_fragment() and request.args.get("stamp") == stamp:
        return "", 204
    template_id = activity.template.id
    if wants_fragment() and request.args.get("tail"):  # the order form's own, polling
        chain = chain_tail(template_id)
    else:
        chain = chain_from(template_id, request.args.get("after", ""))
    return render(
        "ordering/chain.html", "ordering/_chain.html", activity=activity, chain=chain, stamp=stamp
    )
