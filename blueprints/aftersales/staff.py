"""Staff's after-sales: the queue of cases (filtered in the URL, a keyset page at a time, as CSV
or XLSX) and a case's page (its order, photos, timeline) with the steps the lifecycle allows,
the refund through models/payments/refunds.py (docs/after-sales.md)."""

import io
from datetime import datetime
from urllib.parse import urlencode

from flask import Blueprint, Response, flash, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import role_required
from blueprints.images import image_response
from blueprints.params import form_version
from blueprints.rendering import go, or_404, render
from forms.staff.aftersales import (
    CaseAssignForm,
    CaseBulkForm,
    CaseMessageForm,
    CaseNoteForm,
    CaseRefundForm,
    CaseStepForm,
)
from models.aftersales.case import (
    DISPOSITIONS,
    KIND_LABELS,
    STATUS_LABELS,
    AfterSalesCase,
    CasePhoto,
    CaseStatus,
)
from models.aftersales.exchange import ReplacementShort
from models.aftersales.export import case_table, log_case_download
from models.aftersales.lifecycle import allowed_transitions, transition_case
from models.aftersales.queue import AGES, CaseFilter, counts, filter_choices, queue_stamp
from models.aftersales.redo import BadBooking, booking_of, redo_window
from models.aftersales.resolving import refund_case
from models.aftersales.sla import answer_hours, is_overdue
from models.aftersales.views import cases_of
from models.base import utcnow
from models.errors import DomainError
from models.exports.table import csv_chunks, write_xlsx
from models.orders.detail import staff_members
from models.orders.lifecycle import Actor
from models.shop_time import shop_zone

bp = Blueprint("aftersales", __name__, url_prefix="/board/after-sales")

QUEUE, CASE = "aftersales/queue.html", "aftersales/case.html"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _actor() -> Actor:
    return Actor.of_user(current_user._get_current_object())


def _case(case_id: int) -> AfterSalesCase:
    return or_404(AfterSalesCase.get_or_none(AfterSalesCase.id == case_id))


def filter_from_args() -> CaseFilter:
    return CaseFilter.from_args(request.args, current_user)


@bp.get("")
@role_required("staff")
def index():
    return queue_page(filter_from_args())


def queue_page(case_filter: CaseFilter, status: int = 200, bulk_form=None, picked=(), error=""):
    """The queue as `case_filter` selects it; a refused bulk action keeps the ticked cases
    (`picked`, ids) and what was typed (`bulk_form`)."""
    cases, next_after = case_filter.page()
    staff = staff_members()
    return render(
        QUEUE,
        "aftersales/_queue.html",
        status=status,
        cases=cases,
        next_after=next_after,
        case_filter=case_filter,
        total=case_filter.count(),
        counts=counts(),
        statuses=list(CaseStatus),
        kinds=KIND_LABELS,
        ages=AGES,
        choices=filter_choices(),
        staff=staff,
        bulk_form=bulk_form or CaseBulkForm(formdata=None).with_staff(staff),
        picked=set(picked),
        error=error,
        answer_hours=answer_hours(),
        is_overdue=is_overdue,
        now=utcnow(),
        stamp=queue_stamp(),
    )


@bp.get("/changed")
@role_required("staff")
def changed():
    """The queue's live check: 204 while no case was opened or moved since the page's stamp,
    else a notice with a link that shows the queue again (ticked cases are never swapped away)."""
    if request.args.get("stamp") == queue_stamp():
        return "", 204
    return render_template("aftersales/_queue_changed.html", args=filter_from_args().to_args())


def _filename(extension: str) -> str:
    """after-sales-20261207-0930.csv, in shop time."""
    return f"after-sales-{datetime.now(shop_zone()):%Y%m%d-%H%M}.{extension}"


@bp.get("/export.csv")
@role_required("staff")
def export_csv():
    """The filtered queue (every page), streamed while it is read."""
    case_filter = filter_from_args()
    log_case_download("after-sales.csv", urlencode(case_filter.first_page().to_args()))
    return Response(
        stream_with_context(csv_chunks(case_table(case_filter))),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{_filename("csv")}"'},
    )


@bp.get("/export.xlsx")
@role_required("staff")
def export_xlsx():
    case_filter = filter_from_args()
    log_case_download("after-sales.xlsx", urlencode(case_filter.first_page().to_args()))
    body = io.BytesIO()
    write_xlsx(case_table(case_filter), body, title=_("After-sales"))
    return Response(
        body.getvalue(),
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{_filename("xlsx")}"'},
    )


def case_page(
    case: AfterSalesCase,
    status: int = 200,
    step_form=None,
    error="",
    assign_form=None,
    note_form=None,
    message_form=None,
):
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
        assign_form=assign_form or _assign_form(shown),
        note_form=note_form or CaseNoteForm(formdata=None),
        message_form=message_form or CaseMessageForm(formdata=None),
        dispositions=DISPOSITIONS,
        status_labels=STATUS_LABELS,
        booking=booking_of(shown),
        error=error,
    )


def _assign_form(case: AfterSalesCase) -> CaseAssignForm:
    form = CaseAssignForm(formdata=None).with_staff(staff_members())
    form.assignee.data = str(case.assignee_id or "")
    return form


@bp.get("/<id:case_id>")
@role_required("staff")
def show(case_id: int):
    return case_page(_case(case_id))


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
        return case_page(case, status=422, step_form=form)
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
            booking=_booking(form) if to_status == "approved" and case.kind == "redo" else None,
        )
    except BadBooking as error:
        form.redo_day.errors = [str(error)]
        return case_page(AfterSalesCase.get_by_id(case.id), status=422, step_form=form)
    except ReplacementShort as error:  # the stock moved since the page: a conflict
        return case_page(AfterSalesCase.get_by_id(case.id), 409, step_form=form, error=str(error))
    except DomainError as error:
        form.note.errors = [str(error)]
        return case_page(AfterSalesCase.get_by_id(case.id), status=422, step_form=form)
    flash(_("Case updated."), "info")
    return go(url_for(".show", case_id=case.id))


def _booking(form: CaseStepForm):
    """The redo's booking typed with the approval (None: none); BadBooking when incomplete."""
    if not form.booking_typed():
        return None
    if not (form.redo_day.data and form.redo_from.data and form.redo_until.data):
        raise BadBooking()
    return redo_window(form.redo_day.data, form.redo_from.data, form.redo_until.data)


@bp.post("/<id:case_id>/refund")
@role_required("staff")
def refund(case_id: int):
    case = _case(case_id)
    form = CaseRefundForm()
    if not form.validate():
        return case_page(case, status=422)
    try:
        refund_case(case, _actor(), method=form.method.data, expected_version=form_version())
    except DomainError as error:
        return case_page(AfterSalesCase.get_by_id(case.id), status=422, error=str(error))
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
