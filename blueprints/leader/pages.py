"""A group leader's phone pages (/leader): their orders (only theirs: another's is not found),
the pickup list of their points with one tap to hand an order over, their share links and a
message to their participants."""

from flask import Blueprint, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import role_required
from blueprints.rendering import go, or_404, render
from models.activities.activity import current_activities
from models.errors import DomainError
from models.leaders.handover import hand_over_as_leader
from models.leaders.leader import leader_order, orders_of, pickup_list, points_of
from models.leaders.messages import MESSAGE_MAX, message_participants

bp = Blueprint("leader", __name__, url_prefix="/leader")


def _me():
    return current_user._get_current_object()


def _home(status=200, message="", error=""):
    me = _me()
    return render(
        "leader/index.html",
        "leader/index.html",
        status,
        orders=orders_of(me),
        points=points_of(me),
        activities=current_activities(),
        message=message,
        message_error=error,
        message_max=MESSAGE_MAX,
    )


@bp.get("")
@role_required("leader")
def index():
    return _home()


@bp.post("/message")
@role_required("leader")
def message():
    text = request.form.get("message", "")
    try:
        told = message_participants(_me(), text)
    except DomainError as error:
        return _home(422, text, str(error))
    flash(_("Your message goes to %(count)s participants.", count=told))
    return go(url_for(".index"))


@bp.get("/orders/<id:number>")
@role_required("leader")
def order(number: int):
    found = or_404(leader_order(_me(), number))
    return render("leader/order.html", "leader/order.html", order=found)


@bp.get("/pickup")
@role_required("leader")
def pickup():
    return render("leader/pickup.html", "leader/_pickup.html", orders=pickup_list(_me()))


@bp.post("/orders/<id:number>/hand-over")
@role_required("leader")
def hand_over(number: int):
    me = _me()
    found = or_404(leader_order(me, number))
    version = request.form.get("version", "")
    if not version.isdigit():
        abort(400)
    try:
        hand_over_as_leader(found, me, int(version))
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(_("Order #%(number)s handed over.", number=number))
    return go(url_for(".pickup"))
