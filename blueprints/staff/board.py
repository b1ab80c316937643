"""The staff order board: filters kept in the URL, keyset pages, live updates, saved views.

Actions on one order or a selection are in blueprints/staff/board_actions.py; both answer htmx with
out-of-band swaps of just the rows that changed (templates/board/_changes.html).
"""

from dataclasses import replace

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import role_required
from blueprints.rendering import or_404, read_version_fields, wants_fragment
from blueprints.staff import board_actions
from blueprints.staff.board_context import (
    board_context,
    board_request,
    board_url,
    filter_choices,
    render_changes,
)
from models.board.filters import OrderFilter
from models.board.live import changes_since, parse_shown
from models.board.queries import (
    COLUMN_SIZE,
    Cursor,
    board_page,
    first_columns,
    first_page,
    shown_statuses,
    status_counts,
)
from models.board.saved_views import MAX_NAME, delete_view, save_view, views_of
from models.catalog.alerts import low_count
from models.orders.changes import Watch, unchanged, watch_now
from models.orders.status import STATUSES
from models.params import choice

bp = Blueprint("board", __name__, url_prefix="/board")
bp.register_blueprint(board_actions.bp)

PAGE, BOARD, VIEWS = "board/index.html", "board/_board.html", "board/_saved_views.html"


@bp.get("/")
@role_required("staff")
def index():
    order_filter, view = board_request()
    after = Cursor.parse(request.args.get("after"))
    if after and wants_fragment():
        return _more(order_filter, view, after)
    watch = watch_now()  # before the rows, so nothing committed meanwhile is missed
    counts, lists = _orders(order_filter, view, after, watch)
    context = board_context(
        order_filter,
        view,
        watch=watch,
        counts=counts,
        after=after,
        saved=views_of(current_user),
        **lists,
    )
    if wants_fragment():
        response = make_response(render_template(BOARD, **context))
        response.headers["HX-Push-Url"] = context["here"]  # the canonical URL of the filter
    else:
        response = make_response(
            render_template(PAGE, **filter_choices(), **context, low_stock=low_count())
        )
    response.vary.add("HX-Request")
    return response


def _orders(order_filter: OrderFilter, view: str, after: Cursor | None, watch) -> tuple:
    """The counts per status (kept at `watch` while no order changes), and what the view
    lists: each status's first cards, or a page."""
    if view == "columns":
        counts, columns = first_columns(order_filter, watch)
        read_version_fields(row for page in columns.values() for row in page.rows)
        return counts, {"columns": columns}
    if after:  # without JavaScript "Load more" opens the board at the cursor
        counts, page = status_counts(order_filter, watch), board_page(order_filter, after)
    else:
        counts, page = first_page(order_filter, watch)
    read_version_fields(page.rows)
    return counts, {"page": page}


def _more(order_filter: OrderFilter, view: str, after: Cursor):
    """The next page of the table, or of one status column."""
    if view == "columns":
        column = or_404(choice(request.args.get("column"), shown_statuses(order_filter)))
        page = board_page(replace(order_filter, statuses=(column,)), after, COLUMN_SIZE)
        read_version_fields(page.rows)
        context = board_context(order_filter, view, page=page, status=column)
        return render_template("board/_more_cards.html", **context)
    page = board_page(order_filter, after)
    read_version_fields(page.rows)
    return render_template("board/_more_rows.html", **board_context(order_filter, view, page=page))


@bp.post("/poll")
@role_required("staff")
def poll():
    """204 when nothing changed since the page's watch; else the changed rows, out of band.

    A POST because the page sends which orders it shows, which can be more than a URL holds.
    Most polls find nothing: they read only the watch and run one query before answering.
    """
    watch = Watch.from_args(request.args)
    if watch is None:
        abort(400)
    if unchanged(watch):
        return "", 204
    order_filter, view = board_request()
    shown = parse_shown(request.form.getlist("shown"))
    changes = changes_since(
        order_filter, watch, shown, _loaded_to(request.form), by_status=view == "columns"
    )
    return render_changes(order_filter, view, changes, shown, preserve=True)


def _loaded_to(form) -> dict[str | None, Cursor]:
    """How far down each list the page has loaded: "oldest" (table), "oldest-<status>"."""
    loaded = {}
    for key, value in form.items():
        cursor = Cursor.parse(value)
        if key == "oldest" and cursor:
            loaded[None] = cursor
        elif key.startswith("oldest-") and key[7:] in STATUSES and cursor:
            loaded[key[7:]] = cursor
    return loaded


# --- saved views ------------------------------------------------------------------------------


@bp.post("/views")
@role_required("staff")
def save():
    order_filter, view = board_request()
    name = " ".join((request.form.get("name") or "").split())
    error = None
    if not name:
        error = _("Name the view first.")
    elif len(name) > MAX_NAME:
        error = _("Keep the name under %(max)s characters.", max=MAX_NAME)
    else:
        save_view(current_user, name, board_url(order_filter, view).partition("?")[2])
    return _views_answer(order_filter, view, error=error, name=name if error else "")


@bp.post("/views/<id:view_id>/delete")
@role_required("staff")
def delete(view_id: int):
    order_filter, view = board_request()
    if not delete_view(current_user, view_id):
        abort(404)
    return _views_answer(order_filter, view)


def _views_answer(order_filter: OrderFilter, view: str, error: str | None = None, name: str = ""):
    if not wants_fragment():
        if error:
            flash(error, "error")
        return redirect(board_url(order_filter, view), code=303)
    context = board_context(
        order_filter, view, saved=views_of(current_user), view_error=error, view_name=name
    )
    return render_template(VIEWS, **context), 422 if error else 200
