"""The delivery log for admins: every message sent (or not) to whom, when and how; retry."""

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _

from blueprints.access import role_required
from blueprints.params import arg_number
from blueprints.rendering import or_404, render, wants_fragment
from models.errors import DomainError
from models.messaging.deliveries import (
    CHANNEL_LABELS,
    STATUS_LABELS,
    Delivery,
    delivery_log,
    retry_delivery,
)
from models.params import choice

bp = Blueprint("deliveries", __name__, url_prefix="/admin/deliveries")

PAGE, TABLE, ROW = "deliveries/index.html", "deliveries/_table.html", "deliveries/_row.html"
PER_PAGE = 50
MAX_PAGE = 10**9  # far beyond any log; its offset still fits the database's integers


@bp.get("")
@role_required("admin")
def index():
    shown = choice(request.args.get("status"), STATUS_LABELS)
    number = arg_number("page", 1, low=1, high=MAX_PAGE)
    rows = list(delivery_log(shown).paginate(number, PER_PAGE + 1))
    return render(
        PAGE,
        TABLE,
        deliveries=rows[:PER_PAGE],
        more=len(rows) > PER_PAGE,
        page_number=number,
        shown=shown,
        statuses=STATUS_LABELS,
        channels=CHANNEL_LABELS,
    )


@bp.post("/<id:delivery_id>/retry")
@role_required("admin")
def retry(delivery_id: int):
    delivery = or_404(Delivery.get_or_none(Delivery.id == delivery_id))
    try:
        retry_delivery(delivery)
        message = _("Delivery queued again.")
    except DomainError as error:
        message = str(error)
    if wants_fragment():  # the row shows what happened
        row = delivery_log().where(Delivery.id == delivery_id).get()
        context = {"statuses": STATUS_LABELS, "channels": CHANNEL_LABELS, "shown": None}
        return render(ROW, ROW, delivery=row, **context)
    flash(message, "info")
    return redirect(url_for(".index", status=request.args.get("status")), code=303)
