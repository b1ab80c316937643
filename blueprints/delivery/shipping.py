"""Express shipping for staff: ship an order with its tracking number, import a carrier's
e-waybill export (preview, then confirm) and print an order's packing slip (A4) or shipping
label (A6)."""

import csv
import io

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import role_required
from blueprints.customer.qr import qr_svg
from blueprints.rendering import go, or_404, render
from forms.delivery import ShipForm, WaybillConfirmForm, WaybillImportForm
from models.customers.phones import mask_phone
from models.delivery.booking import delivery_of
from models.delivery.shipping import CARRIERS, ship_order, shipment_of
from models.delivery.waybills import apply_waybills, preview
from models.errors import DomainError
from models.orders.lifecycle import Actor
from models.orders.order import Order
from models.params import whole_number
from models.uploads import read_upload

bp = Blueprint("shipping", __name__, url_prefix="/delivery/shipping")

PAGE, PART = "shipping/index.html", "shipping/_forms.html"


def _page(status=200, ship_form=None, import_form=None, rows=None, confirm=None):
    return render(
        PAGE,
        PART,
        status=status,
        ship_form=ship_form or ShipForm(formdata=None),
        import_form=import_form or WaybillImportForm(formdata=None),
        rows=rows,
        confirm=confirm,
        carriers=CARRIERS,
    )


def _actor() -> Actor:
    return Actor.of_user(current_user._get_current_object())


@bp.get("")
@role_required("staff")
def index():
    return _page()


@bp.post("/ship")
@role_required("staff")
def ship():
    form = ShipForm()
    if not form.validate():
        return _page(422, ship_form=form)
    number = whole_number(form.order_number.data.lstrip("#"))
    order = Order.get_or_none(Order.number == number) if number else None
    if order is None:
        form.order_number.errors = [_("No such order.")]
        return _page(422, ship_form=form)
    try:
        ship_order(order, form.carrier.data, form.tracking_number.data, _actor())
    except DomainError as error:
        form.tracking_number.errors = [str(error)]
        return _page(422, ship_form=form)
    flash(_("Order #%(number)s is shipped.", number=order.number), "info")
    return go(url_for(".index"))


@bp.post("/import")
@role_required("staff")
def import_preview():
    form = WaybillImportForm()
    if not form.validate():
        return _page(422, import_form=form)
    try:
        rows = preview(read_upload(form.file.data), form.file.data.filename or "")
    except DomainError as error:
        form.file.errors = [str(error)]
        return _page(422, import_form=form)
    table = io.StringIO()
    csv.writer(table).writerows([r.order_number, r.tracking_number] for r in rows if not r.problem)
    confirm = WaybillConfirmForm(formdata=None, table=table.getvalue(), carrier=form.carrier.data)
    return _page(import_form=form, rows=rows, confirm=confirm)


@bp.post("/import/confirm")
@role_required("staff")
def import_confirm():
    form = WaybillConfirmForm()
    carrier = form.carrier.data if form.carrier.data in CARRIERS else None
    if not form.validate() or carrier is None:
        return _page(422)
    rows = preview(("order,tracking\n" + (form.table.data or "")).encode(), "confirmed.csv")
    count = apply_waybills(rows, carrier, _actor())
    flash(_("%(count)s orders shipped.", count=count), "info")
    return go(url_for(".index"))


@bp.get("/<id:number>/slip")
@role_required("staff")
def slip(number: int):
    """The order's packing slip on A4, or its shipping label on A6 (`?size=a6`)."""
    order = or_404(Order.get_or_none(Order.number == number))
    url = url_for("tracking.order_page", token=order.tracking_token, _external=True)
    return render(
        "shipping/slip.html",
        "shipping/slip.html",
        order=order,
        size="a6" if request.args.get("size") == "a6" else "a4",
        shipment=shipment_of(order),
        delivery=delivery_of(order),
        masked=mask_phone,
        qr=qr_svg(url, _("Order #%(number)s", number=order.number)),
    )
