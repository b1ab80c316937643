"""What the board's views and templates share: the filter and view of a request, words and
URLs worked out once per request (a page has hundreds of rows' worth of them), and the answer
that swaps changed rows in out of band."""

from dataclasses import replace
from urllib.parse import urlencode

from flask import g, get_template_attribute, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from models.accounts.user import User
from models.activities.pickup import PickupPoint
from models.activities.template import FormTemplate
from models.board.filters import OrderFilter
from models.board.live import Changes
from models.board.queries import shown_statuses, status_counts
from models.customers.tier import CustomerTier, tier_names
from models.orders.detail import staff_members
from models.orders.lifecycle import Actor, allowed_transitions
from models.orders.order import Order
from models.orders.payments import METHODS as PAYMENT_METHODS
from models.orders.status import MOVE_LABELS, PAYMENT_LABELS, PAYMENT_STATUSES, STATUS_LABELS
from models.params import choice

VIEWS = ("table", "columns")
ROW_ACTIONS = ("change_status", "assign", "note")


def board_request() -> tuple[OrderFilter, str]:
    """The filter and view this request's URL arguments describe."""
    return OrderFilter.from_args(request.args, current_user), board_view(request.args)


def board_view(args) -> str:
    return choice(args.get("view"), VIEWS) or "table"


def board_args(order_filter: OrderFilter, view: str) -> list[tuple[str, str]]:
    """The URL arguments of this board: its filter, and the view when it is not the table."""
    return order_filter.to_args() + ([("view", view)] if view != "table" else [])


def board_url(
    order_filter: OrderFilter, view: str, endpoint: str = "board.index", args=(), **values
) -> str:
    """A board URL (or one of its actions, by `endpoint`) that keeps the filter and view."""
    return url_for(endpoint, **values) + _query(board_args(order_filter, view) + list(args))


def _query(args) -> str:
    return f"?{urlencode(args)}" if args else ""


def board_staff() -> list[User]:
    """`staff_members()`, read once per request (a board page shows many rows)."""
    if "board_staff" not in g:
        g.board_staff = staff_members()
    return g.board_staff


def words() -> dict:
    """The board's words in the page's language. Those with %(number)s are filled per row."""
    return {
        "select": _("Select order #%(number)s"),
        "assignee_of": _("Assignee of order #%(number)s"),
        "cancel_order": _("Cancel order #%(number)s?"),
        "note_on": _("Note on order #%(number)s"),
        "nobody": _("Nobody"),
        "assign": _("Assign"),
        "note": _("Note"),
        "add_note": _("Add note"),
        "unassigned": _("Unassigned"),
        "inactive": _("no longer active"),
        "left": _("No longer matches the filter"),
        "moves": {status: str(label) for status, label in MOVE_LABELS.items()},
    }


def badges(labels: dict, payment_labels: dict) -> dict:
    """Each status's and payment status's badge (`ui.status`, `ui.payment` of _form.html),
    made once per request: a row shows two, a page hundreds."""
    status, payment = (get_template_attribute("_form.html", name) for name in ("status", "payment"))
    return {
        "status_badges": {value: status(value, label) for value, label in labels.items()},
        "payment_badges": {value: payment(value, label) for value, label in payment_labels.items()},
    }


def board_context(order_filter: OrderFilter, view: str, **extra) -> dict:
    actor = Actor.of_user(current_user)
    here = board_args(order_filter, view)
    suffix = _query(here)

    def moves(order: Order) -> list[str]:
        return allowed_transitions(order, actor)

    labels = {status: str(label) for status, label in STATUS_LABELS.items()}
    payment_labels = {key: str(label) for key, label in PAYMENT_LABELS.items()}
    return {
        "order_filter": order_filter,
        "view": view,
        "statuses": shown_statuses(order_filter),
        "labels": labels,
        "payment_labels": payment_labels,
        **badges(labels, payment_labels),
        "payment_methods": PAYMENT_METHODS,
        "words": words(),
        "tier_names": tier_names(),
        "moves": moves,
        "staff": board_staff(),
        "staff_ids": {person.id for person in board_staff()},
        "csrf": generate_csrf(),
        "here": url_for("board.index") + suffix,
        "here_query": suffix.removeprefix("?"),
        # "/board/rows/{}/status?<filter>": a row's action URLs are one str.format away
        # (urlencode leaves no braces in the suffix)
        "row_urls": {
            name: url_for(f"board.actions.{name}", number=0).replace("/0/", "/{}/") + suffix
            for name in ROW_ACTIONS
        },
        "order_url": url_for("order_detail.show", number=0).removesuffix("0") + "{}",
        "action_url": lambda endpoint, args=(), **values: (
            url_for(endpoint, **values) + _query(here + list(args))
        ),
        "status_url": lambda status, view=view, args=(): board_url(
            replace(order_filter, statuses=(status,)), view, args=args
        ),
        **extra,
    }


def filter_choices() -> dict:
    """What the filter form offers: activities, pickup points, payment statuses and tiers."""
    return {
        "templates": list(
            FormTemplate.select(FormTemplate.id, FormTemplate.title).order_by(FormTemplate.title)
        ),
        "points": list(
            PickupPoint.select(PickupPoint.id, PickupPoint.name).order_by(PickupPoint.name)
        ),
        "payment_statuses": PAYMENT_STATUSES,
        "tiers": list(CustomerTier.ranked()),
        "all_statuses": tuple(STATUS_LABELS),
    }


def render_changes(
    order_filter: OrderFilter,
    view: str,
    changes: Changes,
    shown: dict,
    *,
    preserve: bool,
    status: int = 200,
    **extra,
):
    """Out-of-band swaps for `changes`: rows replaced, moved or added, the counts, a message.
    The counts are read after the changes' watch was taken (when they have one), so they are
    kept for the pages and polls that come at that watch (models/board/kept_counts.py)."""
    extra = {"conflicts": set(), "notes_added": (), "bulk_done": False, **extra}
    context = board_context(
        order_filter,
        view,
        changes=changes,
        shown=shown,
        preserve=preserve,
        counts=status_counts(order_filter, changes.watch),
        **extra,
    )
    return render_template("board/_changes.html", **context), status
