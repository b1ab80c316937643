"""The picking list (any board filter, printable) and the pickup list (phone first)."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import role_required
from blueprints.params import form_version
from blueprints.rendering import or_404, render, wants_fragment
from i18n import format_money
from models.activities.pickup import PickupPoint, active_pickup_points
from models.activities.template import FormTemplate
from models.base import utcnow
from models.board.filter_summary import filter_summary
from models.board.filters import OrderFilter
from models.errors import DomainError
from models.orders.fulfilment import (
    hand_over,
    picking_list,
    picking_order_count,
    pickup_order,
    pickup_orders,
    pickup_points_with_load,
)
from models.orders.lifecycle import Actor
from models.orders.payments import METHODS
from models.orders.text import lines_text
from models.params import choice

bp = Blueprint("fulfilment", __name__, url_prefix="/board")

# The picking page's own controls; every other filter argument is carried along unchanged.
PICKING_CONTROLS = ("template", "pickup")


@bp.get("/picking")
@role_required("staff")
def picking():
    order_filter = OrderFilter.from_args(request.args, current_user)
    orders = order_filter.query()
    args = order_filter.to_args()
    return render(
        "fulfilment/picking.html",
        "fulfilment/picking.html",
        items=picking_list(orders),
        order_count=picking_order_count(orders),
        summary=filter_summary(order_filter),
        printed_at=utcnow(),
        args=args,
        kept_args=[(key, value) for key, value in args if key not in PICKING_CONTROLS],
        order_filter=order_filter,
        templates=FormTemplate.select().order_by(FormTemplate.title),
        points=active_pickup_points(),
    )


@bp.get("/pickup")
@role_required("staff")
def pickup_points():
    return render(
        "fulfilment/pickup_points.html",
        "fulfilment/pickup_points.html",
        loads=pickup_points_with_load(),
    )


def _row_context(point) -> dict:
    return {
        "point": point,
        "payment_methods": METHODS,
        "lines_text": lines_text,
    }


@bp.get("/pickup/<id:point_id>")
@role_required("staff")
def pickup(point_id: int):
    point = or_404(PickupPoint.get_or_none(PickupPoint.id == point_id))
    search = (request.args.get("q") or "").strip()[:20]
    return render(
        "fulfilment/pickup.html",
        "fulfilment/_pickup_orders.html",
        orders=pickup_orders(point, search),
        search=search,
        **_row_context(point),
    )


@bp.post("/pickup/<id:point_id>/orders/<id:number>/handed-over")
@role_required("staff")
def handed_over(point_id: int, number: int):
    point = or_404(PickupPoint.get_or_none(PickupPoint.id == point_id))
    order = pickup_order(point, number)
    if order is None:
        abort(404)
    expected = form_version()
    collected = None
    if request.form.get("collected"):  # "Collected ¥X · handed over", with how it was paid
        collected = choice(request.form.get("method"), METHODS)
        if collected is None:
            return _row(point, number, 422, message=_("Choose how the customer paid."))
    actor = Actor.of_user(current_user._get_current_object())
    note = _("Handed over at %(place)s", place=point.name)
    try:
        done = hand_over(order, actor, expected_version=expected, note=note, collected=collected)
    except DomainError as error:
        return _row(point, number, 409, message=str(error))
    said = _done_message(order.customer.name, done.collected)
    if not wants_fragment():
        flash(said)
        return redirect(url_for(".pickup", point_id=point_id, q=request.form.get("q") or None), 303)
    return _row(point, number, 200, done=said)


def _done_message(name: str, collected: int) -> str:
    if collected:
        return _(
            "Collected %(amount)s and handed over to %(name)s.",
            amount=format_money(collected),
            name=name,
        )
    return _("Handed over to %(name)s.", name=name)


def _row(point, number, status, **flags):
    """The order's row as it is now; a page with the list when JavaScript is off."""
    order = pickup_order(point, number)
    if not wants_fragment():
        return render(
            "fulfilment/pickup.html",
            "fulfilment/_pickup_orders.html",
            status,
            orders=[order],
            search=str(number),
            **flags,
            **_row_context(point),
        )
    return render(
        "fulfilment/_pickup_order.html",
        "fulfilment/_pickup_order.html",
        status,
        order=order,
        **flags,
        **_row_context(point),
    )
