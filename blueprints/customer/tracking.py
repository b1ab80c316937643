"""The customer's order page: status, timeline and what was ordered, live; while the order is
pending the customer may change quantities or cancel; when its form offers the shop's
collection QR codes, the payment step (docs/payments.md). Whoever holds the link (an
unguessable token) is the customer."""

from flask import Blueprint, abort, current_app, make_response, redirect, request, url_for
from flask_babel import gettext as _

from blueprints.customer.qr import qr_svg
from blueprints.customer.ratings import rating_context
from blueprints.images import image_response
from blueprints.params import optional_version
from blueprints.rendering import order_slots, render, wants_fragment
from blueprints.security_headers import allow_form_targets
from forms.ordering.quantity_change import build_quantity_form
from forms.ordering.steppers import STEP, quantity_limits, stepped
from forms.payments import ClaimForm
from models.activities.published import offered_products
from models.aftersales.requests import may_request
from models.aftersales.views import cases_of
from models.db import one_snapshot
from models.delivery.progress import delivery_progress
from models.delivery.shipping import shipment_of
from models.errors import DomainError, OutOfStock
from models.groupbuy.tiers import difference as group_price_difference
from models.messaging.notifications import customer_messages
from models.orders.order import Order
from models.orders.status import PaymentStatus
from models.payments.claims import ClaimRefused, claim_payment
from models.payments.collection_codes import KINDS, code_by_image
from models.payments.online import PROVIDER_NAMES, checkout_origins, wechat_pays_inside
from models.payments.providers.base import CheckoutKind
from models.payments.receipts import has_receipt, receipt_of
from models.payments.step import online_step, payment_step
from models.pickup.codes import code_of, display
from models.storefront.tracking import (
    cancel_by_customer,
    change_by_customer,
    customer_may_change,
    customer_timeline,
    customer_view,
    poll_stamp,
    stamp_of,
)

bp = Blueprint("tracking", __name__, url_prefix="/o")

PAGE, LIVE = "tracking/page.html", "tracking/_live.html"


def _order(token: str) -> Order:
    order = Order.by_token(token)
    if order is None:
        abort(404)
    return order


@one_snapshot()  # what the page shows, as of one moment
def _page(
    order: Order,
    status: int = 200,
    error: str = "",
    change_form=None,
    polled=False,
    claim_form=None,
):
    """The page, or its live part for htmx. `polled`: a refresh the page asked for by itself,
    which keeps a change the customer is typing (hx-preserve) while what it depends on
    (customer_view) is unchanged."""
    url = url_for("tracking.order_page", token=order.tracking_token, _external=True)
    may_change = customer_may_change(order)
    editing = change_form is not None  # the customer's own numbers: keep the form open
    if may_change and change_form is None:
        change_form = build_quantity_form(order, offered_products(order.template_version))
    messages = customer_messages(order)
    payment = payment_step(order)
    if payment and payment.may_claim and claim_form is None:
        claim_form = ClaimForm(formdata=None, kinds=list(payment.codes))
    online = online_step(order)
    checkout = online.checkout if online else None
    online_qr = None
    if checkout and checkout.checkout_kind == CheckoutKind.QR:
        online_qr = qr_svg(checkout.checkout_url, _("Scan with WeChat to pay"))
    code = code_of(order) if order.pickup_point_id else None
    response = make_response(
        render(
            PAGE,
            LIVE,
            status=status,
            order=order,
            group_price=group_price_difference(order),
            lines=list(order.lines),
            slots=order_slots(order),
            timeline=customer_timeline(order),
            messages=messages,
            stamp=stamp_of(order, messages),  # never newer than what the page shows
            may_change=may_change,
            change_form=change_form,
            seen=customer_view(order),
            keep_edit=polled,
            editing=editing,
            error=error,
            qr=qr_svg(url, _("Order #%(number)s", number=order.number)),
            pickup_code=display(code) if code else None,
            pickup_qr=qr_svg(code, _("Pickup code")) if code else None,
            page_url=url,
            payment=payment,
            claim_form=claim_form,
            code_kinds=KINDS,
            online=online,
            online_qr=online_qr,
            provider_names=PROVIDER_NAMES,
            has_receipt=has_receipt(order),
            delivery=delivery_progress(order),
            shipment=shipment_of(order),
            cases=cases_of(order),
            may_request_aftersales=may_request(order),
            **rating_context(order),
            in_wechat="MicroMessenger" in request.headers.get("User-Agent", ""),
            wechat_jsapi=wechat_pays_inside(),
        )
    )
    return allow_form_targets(response, checkout_origins(online.providers) if online else [])


@bp.get("/<token>")
@one_snapshot()
def order_page(token):
    return _page(_order(token))


@bp.get("/<token>/poll")
@one_snapshot()
def poll(token):
    """204 while the order is as the page shows it (one query); else the fresh live part."""
    stamp = poll_stamp(token)
    if stamp is None:
        abort(404)
    if request.args.get("v") == stamp:
        return "", 204
    return _page(_order(token), polled=True)


def _after_change(order: Order, token: str):
    if wants_fragment():
        return _page(Order.get_by_id(order.id))
    return redirect(url_for(".order_page", token=token), code=303)


@bp.post("/<token>/cancel")
def cancel(token):
    order = _order(token)
    try:
        cancel_by_customer(order, optional_version(), request.form.get("seen"))
    except DomainError as error:
        return _page(Order.get_by_id(order.id), status=422, error=str(error))
    return _after_change(order, token)


@bp.post("/<token>/change")
def change(token):
    order = _order(token)
    products = offered_products(order.template_version)
    form = build_quantity_form(order, products, request.form)
    if STEP in request.form:  # a − or + button without JavaScript: show the form again
        form = build_quantity_form(order, products, stepped(request.form, quantity_limits(form)))
        return _page(order, change_form=form)
    if not form.validate():
        return _page(order, status=422, change_form=form)
    try:
        change_by_customer(order, optional_version(), form.quantities(), form.seen.data)
    except OutOfStock as error:
        for product_id, left in error.details.get("short", {}).items():
            form[f"qty-{product_id}"].errors = [_("Only %(count)s left.", count=left)]
        return _page(Order.get_by_id(order.id), status=422, error=str(error), change_form=form)
    except DomainError as error:
        return _page(Order.get_by_id(order.id), status=422, error=str(error), change_form=form)
    return _after_change(order, token)


@bp.post("/<token>/paid")
def claim(token):
    """The customer's "I have paid", with an optional screenshot (multipart)."""
    order = _order(token)
    payment = payment_step(order)
    if payment is None or not payment.may_claim:
        if order.payment_status == PaymentStatus.CLAIMED:  # a second tap: the claim stands
            return _after_change(order, token)
        return _page(order, status=422, error=str(ClaimRefused()))
    form = ClaimForm(kinds=list(payment.codes))
    if not form.validate():
        return _page(order, status=422, claim_form=form)
    try:
        claim_payment(order, form.method.data, form.screenshot_bytes())
    except DomainError as error:
        form.screenshot.errors = [str(error)]
        return _page(Order.get_by_id(order.id), status=422, claim_form=form)
    return _after_change(order, token)


@bp.get("/<token>/codes/<name>")
def code_image(token, name):
    """One of the shop's collection QR codes, for an order whose form offers them."""
    order = _order(token)
    code = code_by_image(name)
    if code is None or payment_step(order) is None:
        abort(404)
    return image_response(code.image)


@bp.get("/<token>/receipt")
def receipt(token):
    """The printable receipt, once something was paid."""
    order = _order(token)
    if not has_receipt(order):
        abort(404)
    return render(
        "tracking/receipt.html",
        "tracking/receipt.html",
        receipt=receipt_of(order),
        shop_name=current_app.config["SHOP_NAME"],
    )
