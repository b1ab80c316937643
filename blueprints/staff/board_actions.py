"""Actions from the board on one order or a selection: change status, assign, add a note; and
on a selection, mark paid (a payment of what each order still owes).

Each view reads the form and calls one function of models/board/bulk.py. htmx gets the fresh
rows as out-of-band swaps with a message; without JavaScript the board is shown again with the
outcome flashed. A single order that could not change (someone else changed it meanwhile, or
the move is no longer allowed) answers 409 with its fresh row and the reason.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import role_required
from blueprints.params import form_id, form_ids, form_version
from blueprints.rendering import or_404, wants_fragment
from blueprints.staff.board_context import board_context, board_request, board_url, render_changes
from models.accounts.user import User
from models.board.bulk import (
    MAX_ORDERS,
    Report,
    Target,
    assign_orders,
    change_statuses,
    confirm_claims,
    mark_paid,
    note_orders,
)
from models.board.live import Changes, Shown, parse_shown
from models.board.queries import board_rows, matching_ids
from models.orders.notes import MAX_NOTE_LENGTH
from models.orders.order import Order
from models.orders.payments import METHODS
from models.orders.status import STATUS_LABELS, STATUSES
from models.params import choice

bp = Blueprint("actions", __name__)


@bp.post("/rows/<id:number>/status")
@role_required("staff")
def change_status(number: int):
    order = or_404(Order.get_or_none(Order.number == number))
    to_status = choice(request.form.get("to"), STATUSES) or abort(400)
    report = change_statuses([Target(order.id, form_version())], to_status, current_user)
    done = _(
        "Order #%(number)s is now %(status)s.",
        number=order.number,
        status=STATUS_LABELS[to_status],
    )
    return _answer(report, {order.id: Shown(order.version, order.status)}, done, single=True)


@bp.post("/rows/<id:number>/assignee")
@role_required("staff")
def assign(number: int):
    order = or_404(Order.get_or_none(Order.number == number))
    assignee = _assignee(keeping=order)
    report = assign_orders([Target(order.id, form_version())], assignee, current_user)
    if assignee:
        done = _(
            "Order #%(number)s is now assigned to %(name)s.",
            number=order.number,
            name=assignee.name,
        )
    else:
        done = _("Order #%(number)s is now unassigned.", number=order.number)
    return _answer(report, {order.id: Shown(order.version, order.status)}, done, single=True)


@bp.post("/rows/<id:number>/notes")
@role_required("staff")
def note(number: int):
    order = or_404(Order.get_or_none(Order.number == number))
    body = _note_body()
    if body is None:
        return _invalid(_("Write the note first."))
    report = note_orders([Target(order.id)], body, current_user)
    done = _("Note added to order #%(number)s.", number=order.number)
    return _answer(report, {}, done, single=True, notes_added=[order] if report.done else [])


@bp.post("/bulk")
@role_required("staff")
def bulk():
    shown = parse_shown(request.form.getlist("shown"))
    ids = form_ids("ids")
    if not ids:
        return _invalid(_("Select orders first."))
    if len(ids) > MAX_ORDERS:
        return _invalid(_("Select at most %(max)s orders at a time.", max=MAX_ORDERS))
    targets = [Target(i, shown[i].version if i in shown else None) for i in ids]
    action = request.form.get("action")
    if action == "status":
        to_status = choice(request.form.get("to"), STATUSES)
        if to_status is None:
            return _invalid(_("Choose the status to move the orders to."))
        report = change_statuses(targets, to_status, current_user)
    elif action == "assign":
        report = assign_orders(targets, _assignee(), current_user)
    elif action == "note":
        body = _note_body()
        if body is None:
            return _invalid(_("Write the note first."))
        report = note_orders(targets, body, current_user)
    elif action == "paid":
        method = choice(request.form.get("method"), METHODS)
        if method is None:
            return _invalid(_("Choose how the orders were paid."))
        report = mark_paid(targets, method, current_user)
    elif action == "claims":
        report = confirm_claims(targets, current_user)
    else:
        abort(400)
    summary = _(
        "Changed: %(done)s · Not changed: %(failed)s",
        done=len(report.done),
        failed=len(report.failed),
    )
    return _answer(report, shown, summary, bulk_done=True)


def _assignee(keeping: Order | None = None) -> User | None:
    """The active staff member chosen, or None for nobody; a deactivated one only where it is
    `keeping`'s assignee already (its row shows them until someone else is chosen)."""
    chosen = form_id("assignee")
    if not chosen:
        return None
    user = User.get_or_none(User.id == chosen)
    if user is None or not (user.active or (keeping and keeping.assignee_id == user.id)):
        abort(400)
    return user


def _note_body() -> str | None:
    body = (request.form.get("body") or "").strip()
    return body if 0 < len(body) <= MAX_NOTE_LENGTH else None


def _invalid(message: str):
    order_filter, view = board_request()
    if not wants_fragment():
        flash(message, "error")
        return redirect(board_url(order_filter, view), code=303)
    context = board_context(order_filter, view, message=message, message_kind="error")
    return render_template("board/_message.html", oob=True, **context), 422


def _answer(report: Report, shown: dict, done: str, *, single=False, **extra):
    """The board after an action: the fresh rows of the orders touched, and what happened."""
    order_filter, view = board_request()
    if not wants_fragment():
        if report.done:
            flash(done)
        for failure in report.failed:
            flash(
                f"#{failure.number}: {failure.reason}" if failure.number else failure.reason,
                "error",
            )
        return redirect(board_url(order_filter, view), code=303)
    touched = [] if "notes_added" in extra else report.touched
    keeps = matching_ids(order_filter, touched)
    rows = board_rows(touched)
    changes = Changes(rows, [], {r.id for r in rows if r.id not in keeps}, None)
    failed = single and report.failed
    return render_changes(
        order_filter,
        view,
        changes,
        shown,
        preserve=single,
        status=409 if failed else 200,
        message=report.failed[0].reason if failed else done,
        message_kind="error" if failed else "done",
        failures=[] if single else report.failed,
        conflicts={f.order_id for f in report.failed},
        **extra,
    )
