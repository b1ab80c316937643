"""/board/waiting: the staff's view of the waiting lines (who waits for what, since when, and
where each place stands), filtered by activity and status in keyset pages, and taking someone
out of a line. A GET form htmx upgrades; the remove button is a plain POST form too."""

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from blueprints.access import role_required
from blueprints.params import arg_id
from blueprints.rendering import go, or_404, render, wants_fragment
from models.params import positive_id
from models.waitlist.entry import EXPIRED, OFFERED, ORDERED, WAITING, WITHDRAWN, WaitlistEntry
from models.waitlist.lines import (
    ALL,
    IN_LINE_FILTER,
    STATUS_FILTERS,
    NotInLine,
    activities_with_lines,
    lines_page,
    remove_from_line,
)

bp = Blueprint("waiting_lines", __name__, url_prefix="/board/waiting")

PAGE, LIST = "waitlist/board.html", "waitlist/_board.html"
FILTER_LABELS = {
    IN_LINE_FILTER: _l("In line (waiting or offered)"),
    WAITING: _l("Waiting"),
    OFFERED: _l("Offered"),
    ORDERED: _l("Ordered"),
    EXPIRED: _l("Expired"),
    WITHDRAWN: _l("Left"),
    ALL: _l("All"),
}


def _filters(values) -> dict:
    status = values.get("status", "")
    return {
        "activity": positive_id(values.get("activity")),
        "status": status if status in STATUS_FILTERS else IN_LINE_FILTER,
    }


def _list(filters: dict, status: int = 200, message: str = ""):
    rows, next_cursor = lines_page(**filters, after=arg_id("after"))
    return render(
        PAGE,
        LIST,
        status,
        rows=rows,
        next_cursor=next_cursor,
        filters=filters,
        activities=activities_with_lines(),
        filter_labels=FILTER_LABELS,
        message=message,
        OFFERED=OFFERED,
        ORDERED=ORDERED,
    )


@bp.get("")
@role_required("staff")
def index():
    return _list(_filters(request.args))


@bp.post("/<id:entry_id>/remove")
@role_required("staff")
def remove(entry_id):
    entry = or_404(WaitlistEntry.get_or_none(WaitlistEntry.id == entry_id))
    filters = _filters(request.form)
    try:
        remove_from_line(entry)
        message, status = _("%(name)s is out of the line.", name=entry.customer.name), 200
    except NotInLine as error:
        message, status = str(error), 409
    if wants_fragment():
        return _list(filters, status, message)
    flash(message)
    shown = {key: value for key, value in filters.items() if value}
    return go(url_for(".index", **shown))
