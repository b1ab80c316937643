"""One order for staff: answers, lines, payments, customer and tags, timeline, notes; status,
assignee, payments (recorded, removed when recorded by mistake, refunded) and edits.

Every change to the order posts the version the page showed; when someone else changed the
order since, the answer is 409 with the fresh order and a conflict message, never a silent
overwrite. Notes and tags do not change the order, so they never conflict.
"""

from flask import Blueprint, abort, current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import role_required
from blueprints.params import form_id, form_version
from blueprints.rendering import go, or_404, render, wants_fragment
from blueprints.staff.delivery_context import delivery_context
from blueprints.staff.refund_context import refund_context
from forms.ordering.order_form import cleaned_answers
from forms.payments import RejectClaimForm
from forms.staff.customer_tag import TagForm
from forms.staff.order_actions import NoteForm
from forms.staff.order_edit import VERSION_FIELD, edited_quantities, order_edit_form
from forms.staff.payment import PaymentForm
from forms.staff.payment_removal import PaymentRemovalForm
from forms.staff.refund import refund_form
from models.accounts.user import User
from models.delivery.runs import FAILURE_REASONS
from models.errors import DomainError, OutOfStock, StaleOrder
from models.orders.detail import (
    customer_history,
    lines_of,
    order_by_number,
    staff_members,
    timeline_of,
)
from models.orders.editing import edit_order
from models.orders.lifecycle import Actor, allowed_transitions, assign_order, transition_order
from models.orders.notes import NOTE_KINDS, add_note, notes_of, tag_customer, untag_customer
from models.orders.payments import (
    METHODS,
    InvalidAmount,
    Payment,
    may_refund,
    may_remove_payment,
    payment_words,
    payments_of,
    record_payment,
    refund_order,
)
from models.orders.payments import remove_payment as remove_recorded_payment
from models.orders.placing import SlotFull
from models.orders.status import (
    MOVE_LABELS,
    OPEN_STATUSES,
    PaymentStatus,
)
from models.orders.text import answer_rows, product_names
from models.payments.claims import latest_claim
from models.payments.providers import app_providers
from models.payments.refund_provider import send_refund
from models.payments.refunds import (
    RefundRefused,
    may_refund_money,
    refundable_payment,
    request_refund,
)
from models.staff_entry.entry import CHANNELS, source_of

bp = Blueprint("order_detail", __name__, url_prefix="/board/orders")

PAGE, ORDER, NOTES, CUSTOMER = (
    "order_detail/page.html",
    "order_detail/_order.html",
    "order_detail/_notes.html",
    "order_detail/_customer.html",
)
EDIT_PAGE, EDIT_FORM = "order_detail/edit.html", "order_detail/_edit_form.html"


def _actor() -> Actor:
    return Actor.of_user(current_user._get_current_object())


def _order_context(order, message=None) -> dict:
    lines = lines_of(order)
    version = order.template_version
    payments = payments_of(order)
    actor = _actor()
    return {
        "order": order,
        "lines": lines,
        "answers": answer_rows(version, order.answers, product_names([version], lines)),
        "transitions": allowed_transitions(order, actor),
        "staff_members": staff_members(),
        "editable": order.status in OPEN_STATUSES,
        "transition_labels": MOVE_LABELS,
        "payments": payments,
        "payment_methods": METHODS,
        # Marking refunded without a refund row: only an order paid without recorded payments.
        "may_refund": not payments.payments and may_refund(order, payments.paid),
        **refund_context(order, lines, payments.paid, actor),
        "payment_form": PaymentForm(formdata=None, amount=payments.outstanding or None),
        "payment_version": order.version,
        # Who may remove which payment, and the form for it (`removal_forms`: one kept input).
        "may_remove": lambda payment: (
            order.payment_status != PaymentStatus.REFUNDED and may_remove_payment(payment, actor)
        ),
        "removal_form": PaymentRemovalForm(formdata=None),
        "removal_forms": {},
        "note_kinds": NOTE_KINDS,
        "claim": latest_claim(order),
        "reject_form": RejectClaimForm(formdata=None),
        "message": message,
        "source": source_of(order),
        **delivery_context(order),
        **_customer_context(order),
    }


def _timeline_context(order, oob_timeline=False) -> dict:
    """What the timeline reads (`oob_timeline`: it is swapped in beside another part)."""
    timeline = timeline_of(order)
    return {
        "order": order,
        "timeline": timeline,
        "oob_timeline": timeline if oob_timeline else None,
        "payment_words": payment_words,
        "failure_reasons": FAILURE_REASONS,
        "entry_channels": CHANNELS,
    }


def _customer_context(order, oob_timeline=False) -> dict:
    """What the customer card reads, and the timeline."""
    return _timeline_context(order, oob_timeline) | {
        "history": customer_history(order.customer),
        "tag_form": TagForm(formdata=None),
    }


def _page(order, status=200, message=None, **forms):
    """The whole order; `forms` replace the empty note, payment and tag forms (kept input)."""
    context = _order_context(order, message)
    context |= {"note_form": NoteForm(formdata=None), "notes": notes_of(order)}
    return render(PAGE, ORDER, status, **(context | forms))


@bp.get("/<id:number>")
@role_required("staff")
def show(number: int):
    return _page(or_404(order_by_number(number)))


def _changed(number: int, change):
    """Run `change(order, expected_version)`; answer with the fresh order, 409 on a conflict."""
    order = or_404(order_by_number(number))
    expected = form_version()
    try:
        change(order, expected)
    except DomainError as error:
        return _page(or_404(order_by_number(number)), status=409, message=str(error))
    return _changed_answer(number)


def _changed_answer(number: int):
    if not wants_fragment():
        return redirect(url_for(".show", number=number), code=303)
    return _page(or_404(order_by_number(number)))


@bp.post("/<id:number>/status")
@role_required("staff")
def change_status(number: int):
    to_status = request.form.get("to_status", "")
    return _changed(
        number,
        lambda order, expected: transition_order(
            order, to_status, _actor(), expected_version=expected
        ),
    )


@bp.post("/<id:number>/assignee")
@role_required("staff")
def assign(number: int):
    chosen = form_id("assignee")
    assignee = User.get_or_none(User.id == chosen, User.active == True) if chosen else None  # noqa: E712
    if chosen and assignee is None:
        abort(400)
    return _changed(
        number,
        lambda order, expected: assign_order(order, assignee, _actor(), expected_version=expected),
    )


@bp.post("/<id:number>/notes")
@role_required("staff")
def add(number: int):
    order = or_404(order_by_number(number))
    form = NoteForm()
    if not form.validate_on_submit():
        return _notes(order, form, 422)
    add_note(
        order, author=current_user._get_current_object(), body=form.body.data, kind=form.kind.data
    )
    if not wants_fragment():
        return redirect(url_for(".show", number=number), code=303)
    return _notes(order, NoteForm(formdata=None), 200, oob_timeline=True)


def _notes(order, form, status, oob_timeline=False):
    """The notes panel; after a new note also the timeline, swapped out of band."""
    if not wants_fragment():
        return _page(order, note_form=form, status=status)
    return render(
        NOTES,
        NOTES,
        status,
        notes=notes_of(order),
        note_form=form,
        note_kinds=NOTE_KINDS,
        **_timeline_context(order, oob_timeline),
    )


@bp.post("/<id:number>/payments")
@role_required("staff")
def record(number: int):
    order = or_404(order_by_number(number))
    expected = form_version()
    form = PaymentForm()
    if form.validate_on_submit():
        try:
            record_payment(
                order, form.amount.data, form.method.data, _actor(), expected, form.note.data
            )
        except InvalidAmount as error:
            form.amount.errors = [str(error)]
        except DomainError as error:  # changed meanwhile, or takes no payment now
            return _page(or_404(order_by_number(number)), status=409, message=str(error))
        else:
            return _changed_answer(number)
    return _page(order, status=422, payment_form=form, payment_version=expected)


@bp.post("/<id:number>/payments/<id:payment_id>/remove")
@role_required("staff")
def remove_payment(number: int, payment_id: int):
    """Remove a payment recorded by mistake, with a reason: admins, or whoever recorded it."""
    order = or_404(order_by_number(number))
    expected = form_version()
    payment = Payment.get_or_none(Payment.id == payment_id, Payment.order == order.id)
    if payment is None:  # removed meanwhile (the order changed), or never on this order
        if expected != order.version:
            return _page(order, status=409, message=str(StaleOrder()))
        abort(404)
    if not may_remove_payment(payment, _actor()):
        abort(403)
    form = PaymentRemovalForm()
    if form.validate_on_submit():
        try:
            remove_recorded_payment(payment, _actor(), expected, form.reason.data)
        except DomainError as error:  # changed meanwhile, or refunded
            return _page(or_404(order_by_number(number)), status=409, message=str(error))
        return _changed_answer(number)
    return _page(order, status=422, removal_forms={payment.id: form}, payment_version=expected)


@bp.post("/<id:number>/refund")
@role_required("staff")
def refund(number: int):
    return _changed(
        number, lambda order, expected: refund_order(order, _actor(), expected_version=expected)
    )


@bp.post("/<id:number>/refunds")
@role_required("staff")
def refund_money(number: int):
    """Give money back: units of lines, or an amount; admins, and staff when allowed."""
    order = or_404(order_by_number(number))
    actor = _actor()
    if not may_refund_money(actor):
        abort(403)
    expected = form_version()
    online = refundable_payment(order, 1) is not None
    form = refund_form(lines_of(order), online, request.form)
    if form.validate_on_submit():
        try:
            refund = request_refund(
                order,
                actor,
                method=form.method.data,
                amount=None if form.quantities() else form.amount.data,
                quantities=form.quantities(),
                reason=form.reason.data,
                restock=form.restock.data,
                expected_version=expected,
            )
        except StaleOrder as error:
            return _page(or_404(order_by_number(number)), status=409, message=str(error))
        except RefundRefused as error:
            form.form_errors.append(str(error))
        else:
            send_refund(refund, app_providers(current_app))
            return _changed_answer(number)
    return _page(order, status=422, refund_form=form, payment_version=expected)


@bp.post("/<id:number>/tags")
@role_required("staff")
def add_tag(number: int):
    order = or_404(order_by_number(number))
    form = TagForm()
    if form.validate_on_submit():
        try:
            tag_customer(order, form.tag.data, _actor())
        except DomainError as error:
            form.tag.errors = [str(error)]
        else:
            return _customer(number, TagForm(formdata=None), 200)
    return _customer(number, form, 422)


@bp.post("/<id:number>/tags/remove")
@role_required("staff")
def remove_tag(number: int):
    untag_customer(or_404(order_by_number(number)), request.form.get("tag", ""), _actor())
    return _customer(number, TagForm(formdata=None), 200)


def _customer(number: int, form, status: int):
    """The customer card after a tag change (and the timeline, out of band)."""
    order = or_404(order_by_number(number))  # with the customer's tags as they are now
    if not wants_fragment():
        if status == 200:
            return redirect(url_for(".show", number=number), code=303)
        return _page(order, status=status, tag_form=form)
    context = _customer_context(order, oob_timeline=status == 200) | {"tag_form": form}
    return render(CUSTOMER, CUSTOMER, status, **context)


@bp.route("/<id:number>/edit", methods=["GET", "POST"])
@role_required("staff")
def edit(number: int):
    order = or_404(order_by_number(number))
    if request.method == "GET":
        return _edit_page(order)
    version = order.template_version
    form = order_edit_form(order, request.form)
    expected = form_version(VERSION_FIELD)
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
        fresh = or_404(order_by_number(number))
        return _edit_page(fresh, order_edit_form(fresh), fresh.version, 409, str(error))
    except DomainError as error:
        _attach(form, error, order)
        return _edit_page(order, form, expected, 422)
    target = url_for(".show", number=number)
    return go(target)


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
    )
