"""The delivery log for admins: every message sent (or not) to whom, when and how; retry."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from blueprints.access import role_required
from blueprints.rendering import render
from models.deliveries import (
    CHANNEL_LABELS,
    STATUS_LABELS,
    Delivery,
    delivery_log,
    retry_delivery,
)
from models.errors import DomainError

bp = Blueprint("deliveries", __name__, url_prefix="/admin/deliveries")

PAGE, TABLE, ROW = "deliveries/index.html", "deliveries/_table.html", "deliveries/_row.html"
PER_PAGE = 50


@bp.get("")
@role_required("admin")
def index():
    shown = request.args.get("status") if request.args.get("status") in STATUS_LABELS else None
    number = max(request.args.get("page", 1, type=int), 1)
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


@bp.post("/<int:delivery_id>/retry")
@role_required("admin")
def retry(delivery_id: int):
    delivery = Delivery.get_or_none(Delivery.id == delivery_id)
    if delivery is None:
        abort(404)
    try:
        retry_delivery(delivery)
        message = _("Delivery queued again.")
    except DomainError as error:
        message = str(error)
    if request.htmx:  # the row shows what happened
        row = delivery_log().where(Delivery.id == delivery_id).get()
        context = {"statuses": STATUS_LABELS, "channels": CHANNEL_LABELS, "shown": None}
        return render(ROW, ROW, delivery=row, **context)
    flash(message, "info")
    return redirect(url_for(".index", status=request.args.get("status")), code=303)
