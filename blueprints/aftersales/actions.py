"""Staff's changes to cases beyond a step: bulk actions from the queue (approve, reject with one
reason, assign: models/aftersales/bulk.py), assigning one case from its page, and its internal
notes and messages to the customer (models/aftersales/talk.py). Each case
changes at the version the page showed; a case someone else changed meanwhile is refused and
named, never overwritten."""

from flask import Blueprint, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import role_required
from blueprints.aftersales.staff import case_page, filter_from_args, queue_page
from blueprints.params import form_version
from blueprints.rendering import go, or_404
from forms.staff.aftersales import CaseAssignForm, CaseBulkForm, CaseMessageForm, CaseNoteForm
from models.accounts.user import User
from models.aftersales.bulk import (
    MAX_CASES,
    approve_cases,
    assign_cases,
    parse_targets,
    reject_cases,
)
from models.aftersales.case import AfterSalesCase
from models.aftersales.lifecycle import assign_case
from models.aftersales.talk import add_case_note, message_customer
from models.errors import DomainError
from models.orders.detail import staff_members
from models.orders.lifecycle import Actor
from models.params import positive_id

bp = Blueprint("aftersales_actions", __name__, url_prefix="/board/after-sales")


def _chosen_staff(text: str) -> User | None:
    """The active staff member chosen (None: nobody); 400 for anything else."""
    if not text:
        return None
    user_id = positive_id(text)
    user = next((u for u in staff_members() if u.id == user_id), None)
    if user is None:
        abort(400)
    return user


@bp.post("/bulk")
@role_required("staff")
def bulk():
    case_filter = filter_from_args()
    form = CaseBulkForm().with_staff(staff_members())
    targets = parse_targets(request.form.getlist("ids"))
    picked = [target.case_id for target in targets]
    action = request.form.get("action")
    if action not in ("approve", "reject", "assign"):
        abort(400)
    if not form.validate():
        return queue_page(case_filter, 422, form, picked)
    if not targets:
        return queue_page(case_filter, 422, form, picked, _("Select cases first."))
    if len(targets) > MAX_CASES:
        error = _("Select at most %(max)s cases at a time.", max=MAX_CASES)
        return queue_page(case_filter, 422, form, picked, error)
    if action == "approve":
        report = approve_cases(targets, current_user)
    elif action == "reject":
        if not form.reason.data:
            form.reason.errors = [_("Say why the requests are rejected.")]
            return queue_page(case_filter, 422, form, picked)
        report = reject_cases(targets, form.reason.data, current_user)
    else:
        report = assign_cases(targets, _chosen_staff(form.assignee.data), current_user)
    flash(
        _(
            "Changed: %(done)s · Not changed: %(failed)s",
            done=len(report.done),
            failed=len(report.failed),
        ),
        "info",
    )
    for failure in report.failed:
        flash(f"{failure.code}: {failure.reason}" if failure.code else failure.reason, "error")
    return go(url_for("aftersales.index", **case_filter.first_page().to_args()))


@bp.post("/<id:case_id>/assign")
@role_required("staff")
def assign(case_id: int):
    case = or_404(AfterSalesCase.get_or_none(AfterSalesCase.id == case_id))
    form = CaseAssignForm().with_staff(staff_members())
    if not form.validate():
        return case_page(case, status=422, assign_form=form)
    try:
        assign_case(
            case,
            _chosen_staff(form.assignee.data),
            Actor.of_user(current_user._get_current_object()),
            expected_version=form_version(),
        )
    except DomainError as error:
        form.assignee.errors = [str(error)]
        return case_page(AfterSalesCase.get_by_id(case.id), status=409, assign_form=form)
    flash(_("Case updated."), "info")
    return go(url_for("aftersales.show", case_id=case.id))


@bp.post("/<id:case_id>/note")
@role_required("staff")
def note(case_id: int):
    case = or_404(AfterSalesCase.get_or_none(AfterSalesCase.id == case_id))
    form = CaseNoteForm()
    if not form.validate():
        return case_page(case, status=422, note_form=form)
    add_case_note(case, Actor.of_user(current_user._get_current_object()), form.internal_note.data)
    flash(_("Note added."), "info")
    return go(url_for("aftersales.show", case_id=case.id))


@bp.post("/<id:case_id>/message")
@role_required("staff")
def message(case_id: int):
    case = or_404(AfterSalesCase.get_or_none(AfterSalesCase.id == case_id))
    form = CaseMessageForm()
    if not form.validate():
        return case_page(case, status=422, message_form=form)
    message_customer(case, Actor.of_user(current_user._get_current_object()), form.message.data)
    flash(_("Message sent."), "info")
    return go(url_for("aftersales.show", case_id=case.id))
