"""One order for staff: answers, lines, customer, timeline, notes; status, assignee and edits.

Every change posts the version the page showed; when someone else changed the order since,
the answer is 409 with the fresh order and a conflict message, never a silent overwrite.
"""

from flask import Blueprint, abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from htmx_flask import make_response

from blueprints.access import role_required
from blueprints.rendering import render
from forms.order_actions import NoteForm
from forms.order_edit import VERSION_FIELD, edited_quantities, order_edit_form
from forms.order_form import cleaned_answers
from models.assignment import assign_order
from models.errors import DomainError, OutOfStock, StaleOrder
from models.lifecycle import STATUS_LABELS, Actor, allowed_transitions, transition_order
from models.notes import NOTE_KINDS, add_note, notes_of
from models.order import OPEN_STATUSES
from models.order_detail import (
    customer_history,
    lines_of,
    order_by_number,
    staff_members,
    timeline_of,
)
from models.order_editing import edit_order
from models.order_text import PAYMENT_LABELS, answer_rows, display_phone, product_names
from models.ordering import SlotFull
from models.user import User

bp = Blueprint("order_detail", __name__, url_prefix="/board/orders")

PAGE, ORDER, NOTES = (
    "order_detail/page.html",
    "order_detail/_order.html",
    "order_detail/_notes.html",
)
EDIT_PAGE, EDIT_FORM = "order_detail/edit.html", "order_detail/_edit_form.html"

# What the button that moves an order to each status says.
TRANSITION_LABELS = {
    "confirmed": _l("Confirm"),
    "processing": _l("Start processing"),
    "ready": _l("Mark ready"),
    "completed": _l("Complete"),
    "cancelled": _l("Cancel order"),
}


def _order_or_404(number: int):
    order = order_by_number(number)
    if order is None:
        abort(404)
    return order


def _actor() -> Actor:
    return Actor.of_user(current_user._get_current_object())


def _order_context(order, message=None) -> dict:
    lines = lines_of(order)
    version = order.template_version
    return {
        "order": order,
        "lines": lines,
        "answers": answer_rows(version, order.answers, product_names([version], lines)),
        "history": customer_history(order.customer),
        "timeline": timeline_of(order),
        "transitions": allowed_transitions(order, _actor()),
        "staff_members": staff_members(),
        "editable": order.status in OPEN_STATUSES,
        "labels": STATUS_LABELS,
        "transition_labels": TRANSITION_LABELS,
        "payment_labels": PAYMENT_LABELS,
        "note_kinds": NOTE_KINDS,
        "display_phone": display_phone,
        "message": message,
    }


def _page(order, note_form=None, status=200, message=None):
    context = _order_context(order, message)
    return render(
        PAGE,
        ORDER,
        status,
        note_form=note_form or NoteForm(formdata=None),
        notes=notes_of(order),
        **context,
    )


@bp.get("/<int:number>")
@role_required("staff")
def show(number: int):
    return _page(_order_or_404(number))


def _changed(number: int, change):
    """Run `change(order, expected_version)`; answer with the fresh order, 409 on a conflict."""
    order = _order_or_404(number)
    expected = request.form.get("version", type=int)
    if expected is None:
        abort(400)
    try:
        change(order, expected)
    except DomainError as error:
        return _page(_order_or_404(number), status=409, message=str(error))
    if not request.htmx:
        return redirect(url_for(".show", number=number), code=303)
    return _page(_order_or_404(number))


@bp.post("/<int:number>/status")
@role_required("staff")
def change_status(number: int):
    to_status = request.form.get("to_status", "")
    return _changed(
        number,
        lambda order, expected: transition_order(
            order, to_status, _actor(), expected_version=expected
        ),
    )


@bp.post("/<int:number>/assignee")
@role_required("staff")
def assign(number: int):
    chosen = request.form.get("assignee", type=int)
    assignee = User.get_or_none(User.id == chosen, User.active == True) if chosen else None  # noqa: E712
    if chosen and assignee is None:
        abort(400)
    return _changed(
        number,
        lambda order, expected: assign_order(order, assignee, _actor(), expected_version=expected),
    )


@bp.post("/<int:number>/notes")
@role_required("staff")
def add(number: int):
    order = _order_or_404(number)
    form = NoteForm()
    if not form.validate_on_submit():
        return _notes(order, form, 422)
    add_note(
        order, author=current_user._get_current_object(), body=form.body.data, kind=form.kind.data
    )
    if not request.htmx:
        return redirect(url_for(".show", number=number), code=303)
    return _notes(order, NoteForm(formdata=None), 200, oob_timeline=timeline_of(order))


def _notes(order, form, status, oob_timeline=None):
    """The notes panel; after a new note also the timeline, swapped out of band."""
    if not request.htmx:
        return _page(order, note_form=form, status=status)
    return render(
        NOTES,
        NOTES,
        status,
        order=order,
        notes=notes_of(order),
        note_form=form,
        note_kinds=NOTE_KINDS,
        oob_timeline=oob_timeline,
        labels=STATUS_LABELS,
    )


@bp.route("/<int:number>/edit", methods=["GET", "POST"])
@role_required("staff")
def edit(number: int):
    order = _order_or_404(number)
    if request.method == "GET":
        return _edit_page(order)
    version = order.template_version
    form = order_edit_form(order, request.form)
    expected = request.form.get(VERSION_FIELD, type=int)
    if expected is None:
        abort(400)
    if not form.validate():
        return _edit_page(order, form, expected, 422)
    try:
        edit_order(
            order,
            actor=_actor(),
            expected_version=expected,
            quantities=edited_quantities(form, version),
            answers=cleaned_answers(form, version),
        )
    except StaleOrder as error:
        fresh = _order_or_404(number)
        return _edit_page(fresh, order_edit_form(fresh), fresh.version, 409, str(error))
    except DomainError as error:
        _attach(form, error, order)
        return _edit_page(order, form, expected, 422)
    target = url_for(".show", number=number)
    return make_response("", 200, redirect=target) if request.htmx else redirect(target, 303)


def _attach(form, error: DomainError, order) -> None:
    """Put a refused edit's reason where staff will look: on the field, or above the form."""
    if isinstance(error, SlotFull) and error.details.get("field") in form:
        form[error.details["field"]].errors = [str(error)]
    elif isinstance(error, OutOfStock):
        names = product_names([order.template_version], order.lines)
        form.form_errors.extend(
            _("Only %(count)s left of %(product)s.", count=left, product=names.get(pid, pid))
            for pid, left in error.details.get("short", {}).items()
        )
    else:
        form.form_errors.append(str(error))


def _edit_page(order, form=None, expected=None, status=200, message=None):
    return render(
        EDIT_PAGE,
        EDIT_FORM,
        status,
        order=order,
        form=form or order_edit_form(order),
        expected_version=order.version if expected is None else expected,
        version_field=VERSION_FIELD,
        lines=lines_of(order),
        editable=order.status in OPEN_STATUSES,
        message=message,
        labels=STATUS_LABELS,
    )
