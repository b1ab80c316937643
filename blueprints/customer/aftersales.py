"""The customer's after-sales requests from the tracking page (docs/after-sales.md): the request
form per order line, cancelling a request, writing to the shop about a case, and the photos, shown only to whoever holds
the order's link (its unguessable token is the customer) and to staff."""

from contextlib import suppress

from flask import Blueprint, abort, redirect, url_for

from blueprints.images import image_response
from blueprints.params import optional_version
from blueprints.rendering import go, render
from forms.aftersales import CaseReplyForm, CaseRequestForm
from models.aftersales.case import AfterSalesCase
from models.aftersales.exchange import case_replaced_by, replacement_choices
from models.aftersales.lifecycle import transition_case
from models.aftersales.redo import booking_of
from models.aftersales.requests import (
    keep_photos,
    may_request,
    open_case,
    reasons_for,
    units_in_cases,
)
from models.aftersales.talk import customer_reply
from models.aftersales.views import cases_of, photo_of_order
from models.customers.customer import Customer
from models.errors import DomainError
from models.orders.lifecycle import Actor
from models.orders.order import Order, OrderLine

bp = Blueprint("aftersales_customer", __name__, url_prefix="/o")

PAGE = "aftersales/request.html"


def _order(token: str) -> Order:
    order = Order.by_token(token)
    if order is None:
        abort(404)
    return order


def _customer(order: Order) -> Actor:
    return Actor.of_customer(Customer.get_by_id(order.customer_id))


def _line(order: Order, line_id: int) -> OrderLine:
    line = OrderLine.get_or_none(OrderLine.id == line_id, OrderLine.order == order.id)
    if line is None:
        abort(404)
    return line


def _swaps(order: Order, line: OrderLine) -> list[tuple[int, str]]:
    """What the line may be exchanged for besides itself: the activity's other products."""
    return [(p.id, p.name) for p in replacement_choices(order).values() if p.id != line.product_id]


def _form_page(order, line, form=None, status=200, error=""):
    most = max(line.quantity - units_in_cases(order.id).get(line.id, 0), 0)
    form = form or CaseRequestForm(
        formdata=None, reasons=reasons_for(order), most=most, swaps=_swaps(order, line)
    )
    return render(
        PAGE, PAGE, status=status, order=order, line=line, form=form, most=most, error=error
    )


@bp.get("/<token>/after-sales/<id:line_id>")
def request_form(token, line_id):
    order = _order(token)
    if not may_request(order):
        return redirect(url_for("tracking.order_page", token=token), 303)
    return _form_page(order, _line(order, line_id))


@bp.post("/<token>/after-sales/<id:line_id>")
def submit(token, line_id):
    order = _order(token)
    line = _line(order, line_id)
    most = max(line.quantity - units_in_cases(order.id).get(line.id, 0), 0)
    form = CaseRequestForm(reasons=reasons_for(order), most=most, swaps=_swaps(order, line))
    if not form.validate():
        return _form_page(order, line, form, status=422)
    try:
        photos = keep_photos(form.photo_bytes())
    except DomainError as error:  # BadImage, or too many
        form.photos.errors = [str(error)]
        return _form_page(order, line, form, status=422)
    try:
        open_case(
            order,
            _customer(order),
            kind=form.kind.data,
            quantities={line.id: form.quantity.data},
            reason=form.reason.data,
            details=form.details.data or "",
            preferred=form.preferred.data or "",
            photos=photos,
            replacements={line.id: form.replacement()} if form.replacement() else None,
        )
    except DomainError as error:
        return _form_page(order, line, form, status=422, error=str(error))
    return go(url_for("tracking.order_page", token=token, _anchor="after-sales"))


@bp.post("/<token>/after-sales/case/<id:case_id>/cancel")
def cancel(token, case_id):
    order = _order(token)
    case = AfterSalesCase.get_or_none(
        AfterSalesCase.id == case_id, AfterSalesCase.order == order.id
    )
    if case is None:
        abort(404)
    with suppress(DomainError):  # changed meanwhile: the page shows where the case is now
        transition_case(case, "cancelled", _customer(order), expected_version=optional_version())
    return go(url_for("tracking.order_page", token=token, _anchor="after-sales"))


def _case_of(order: Order, case_id: int) -> AfterSalesCase:
    case = next((c for c in cases_of(order) if c.id == case_id), None)
    if case is None:
        abort(404)
    return case


def _reply_page(order, case, form=None, status=200):
    form = form or CaseReplyForm(formdata=None)
    return render(
        "aftersales/reply.html", "aftersales/reply.html", status, order=order, case=case, form=form
    )


@bp.get("/<token>/after-sales/case/<id:case_id>/reply")
def reply_form(token, case_id):
    order = _order(token)
    return _reply_page(order, _case_of(order, case_id))


@bp.post("/<token>/after-sales/case/<id:case_id>/reply")
def reply(token, case_id):
    order = _order(token)
    case = _case_of(order, case_id)
    form = CaseReplyForm()
    if not form.validate():
        return _reply_page(order, case, form, 422)
    try:
        customer_reply(case, _customer(order), form.message.data)
    except DomainError as error:
        form.message.errors = [str(error)]
        return _reply_page(order, case, form, 422)
    return go(url_for("tracking.order_page", token=token, _anchor="after-sales"))


@bp.app_template_global()
def replaced_case(order: Order) -> AfterSalesCase | None:
    """The case whose replacement `order` is (the tracking and order pages name it)."""
    return case_replaced_by(order)


@bp.app_template_global()
def redo_booking(case: AfterSalesCase):
    return booking_of(case)


@bp.get("/<token>/after-sales/photos/<name>")
def photo(token, name):
    if not photo_of_order(_order(token), name):
        abort(404)
    return image_response(name)
