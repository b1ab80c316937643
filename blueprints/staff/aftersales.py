"""Staff's after-sales: the queue of cases and a case's page (its order, photos, timeline) with
the steps the lifecycle allows, the refund through models/payments/refunds.py
(docs/after-sales.md)."""

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import role_required
from blueprints.images import image_response
from blueprints.params import form_version
from blueprints.rendering import go, or_404, render
from forms.staff.aftersales import CaseRefundForm, CaseStepForm
from models.aftersales.case import (
    DISPOSITIONS,
    KIND_LABELS,
    STATUS_LABELS,
    AfterSalesCase,
    CasePhoto,
    CaseStatus,
)
from models.aftersales.lifecycle import allowed_transitions, transition_case
from models.aftersales.queue import counts, queue
from models.aftersales.resolving import refund_case
from models.aftersales.views import cases_of
from models.base import utcnow
from models.errors import DomainError
from models.orders.lifecycle import Actor

bp = Blueprint("aftersales", __name__, url_prefix="/board/after-sales")

QUEUE, CASE = "aftersales/queue.html", "aftersales/case.html"


def _actor() -> Actor:
    return Actor.of_user(current_user._get_current_object())


def _case(case_id: int) -> AfterSalesCase:
    return or_404(AfterSalesCase.get_or_none(AfterSalesCase.id == case_id))


@bp.get("")
@role_required("staff")
def index():
    status, kind = request.args.get("status", ""), request.args.get("kind", "")
    return render(
        QUEUE,
        QUEUE,
        cases=queue(status=status, kind=kind if kind in KIND_LABELS else ""),
        counts=counts(),
        statuses=list(CaseStatus),
        kinds=KIND_LABELS,
        chosen_status=status,
        kind=kind,
        now=utcnow(),
    )


def _case_page(case: AfterSalesCase, status: int = 200, step_form=None, error=""):
    shown = next(c for c in cases_of(case.order) if c.id == case.id)
    return render(
        CASE,
        CASE,
        status=status,
        case=shown,
        order=case.order,
        moves=allowed_transitions(case, _actor()),
        step_form=step_form or CaseStepForm(formdata=None),
        refund_form=CaseRefundForm(formdata=None),
        dispositions=DISPOSITIONS,
        status_labels=STATUS_LABELS,
        error=error,
    )


@bp.get("/<id:case_id>")
@role_required("staff")
def show(case_id: int):
    return _case_page(_case(case_id))


@bp.post("/<id:case_id>/move")
@role_required("staff")
def move(case_id: int):
    case = _case(case_id)
    form = CaseStepForm()
    to_status = request.form.get("to", "")
    # refunded: only by the refund form, which moves the money
    if (
        not form.validate()
        or to_status not in CaseStatus.__members__.values()
        or to_status == "refunded"
    ):
        return _case_page(case, status=422, step_form=form)
    dispositions = {
        key.removeprefix("disposition-"): value
        for key, value in request.form.items()
        if key.startswith("disposition-") and key.removeprefix("disposition-").isdigit()
    }
    try:
        transition_case(
            case,
            to_status,
            _actor(),
            expected_version=form_version(),
            note=form.note.data or "",
            dispositions=dispositions,
        )
    except DomainError as error:
        form.note.errors = [str(error)]
        return _case_page(AfterSalesCase.get_by_id(case.id), status=422, step_form=form)
    flash(_("Case updated."), "info")
    return go(url_for(".show", case_id=case.id))


@bp.post("/<id:case_id>/refund")
@role_required("staff")
def refund(case_id: int):
    case = _case(case_id)
    form = CaseRefundForm()
    if not form.validate():
        return _case_page(case, status=422)
    try:
        refund_case(case, _actor(), method=form.method.data, expected_version=form_version())
    except DomainError as error:
        return _case_page(AfterSalesCase.get_by_id(case.id), status=422, error=str(error))
    flash(_("Refund recorded."), "info")
    return go(url_for(".show", case_id=case.id))


@bp.get("/<id:case_id>/photos/<name>")
@role_required("staff")
def photo(case_id: int, name: str):
    owned = CasePhoto.select().where(
        CasePhoto.case == case_id, (CasePhoto.image == name) | (CasePhoto.thumbnail == name)
    )
    if not owned.exists():
        return or_404(None)
    return image_response(name)
