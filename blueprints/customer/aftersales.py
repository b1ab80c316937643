"""The customer's after-sales requests from the tracking page (docs/after-sales.md): the request
form per order line, cancelling a request, and the case photos, shown only to whoever holds
the order's link (its unguessable token is the customer) and to staff."""

from contextlib import suppress

from flask import Blueprint, abort, redirect, url_for

from blueprints.images import image_response
from blueprints.params import optional_version
from blueprints.rendering import go, render
from forms.aftersales import CaseRequestForm
from models.aftersales.case import AfterSalesCase
from models.aftersales.lifecycle import transition_case
from models.aftersales.requests import (
    keep_photos,
    may_request,
    open_case,
    reasons_for,
    units_in_cases,
)
from models.aftersales.views import photo_of_order
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


def _form_page(order, line, form=None, status=200, error=""):
    most = max(line.quantity - units_in_cases(order.id).get(line.id, 0), 0)
    form = form or CaseRequestForm(formdata=None, reasons=reasons_for(order), most=most)
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
    form = CaseRequestForm(reasons=reasons_for(order), most=most)
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


@bp.get("/<token>/after-sales/photos/<name>")
def photo(token, name):
    if not photo_of_order(_order(token), name):
        abort(404)
    return image_response(name)
