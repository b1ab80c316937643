"""Paying online (docs/payments.md, "Paying online"): the customer's checkout from the tracking
page, their return from the provider, and the providers' notify routes (no login, no CSRF
token: the provider's signature is checked instead)."""

import logging
from urllib.parse import urlencode

from flask import Blueprint, abort, redirect, request, url_for

from blueprints.customer.tracking import _order, _page
from extensions import csrf
from models.errors import DomainError
from models.orders.order import Order
from models.payments.online import check_paid, providers, settle_notification, start_checkout
from models.payments.providers.base import BadNotification, CheckoutKind, NotificationKind, Scene
from models.payments.refund_provider import on_refund_notification

log = logging.getLogger(__name__)

bp = Blueprint("online_pay", __name__)

PHONE_WORDS = ("Mobile", "Android", "iPhone", "iPad")


def scene_of(user_agent: str) -> Scene:
    """Inside WeChat, in a phone's browser, or on a desktop, by the browser's user agent."""
    if "MicroMessenger" in user_agent:
        return Scene.WECHAT
    if any(word in user_agent for word in PHONE_WORDS):
        return Scene.PHONE
    return Scene.DESKTOP


@bp.post("/o/<token>/pay/<any(wechat, alipay):provider>")
def start(token, provider):
    """A plain form's button: to the provider (H5, wap, page pay), or back to the page showing
    the QR code (Native) or the WeChat button (JSAPI)."""
    order = _order(token)
    scene = scene_of(request.headers.get("User-Agent", ""))
    if scene == Scene.WECHAT:  # JSAPI needs an openid, from a WeChat sign-in the shop lacks
        scene = Scene.PHONE if provider == "alipay" else Scene.DESKTOP  # wap pay, Native QR
    try:
        online = start_checkout(
            order,
            provider,
            scene,
            client_ip=request.remote_addr or "127.0.0.1",
            return_url=url_for(".paid_return", token=token, _external=True),
        )
    except DomainError as error:
        return _page(Order.get_by_id(order.id), status=422, error=str(error))
    if online.checkout_kind == CheckoutKind.REDIRECT:
        return redirect(online.checkout_url, code=303)
    return redirect(url_for("tracking.order_page", token=token) + "#pay-online", code=303)


@bp.get("/o/<token>/pay/return")
def paid_return(token):
    """The provider sends the customer back here: ask it, record a payment made, show the page."""
    order = _order(token)
    check_paid(order)
    return redirect(url_for("tracking.order_page", token=token), code=303)


@bp.post("/pay/notify/<any(wechat, alipay):provider>")
@csrf.exempt
def notify(provider):
    """A provider's notification: verified by its SDK, settled once, answered as it expects.
    A refund's (Alipay tells refunds on the payment's notify URL) settles that refund, once; one
    that is not ours (made in the merchant app) is acknowledged, or the provider resends it."""
    found = providers().get(provider)
    if found is None:
        abort(404)
    try:
        notification = found.verify_notification(request.headers, _body())
        if notification.kind == NotificationKind.REFUND:  # Alipay sends refunds here too
            if not on_refund_notification(notification):
                log.info("%s refund %s is not ours", provider, notification.out_refund_no)
        else:
            settle_notification(notification)
        accepted = True
    except (BadNotification, LookupError) as error:
        log.warning("%s notification refused: %s", provider, error)
        accepted = False
    body, status, headers = found.answer(accepted)
    return body, status, headers


def _body() -> bytes:
    """The body as sent. A form body (Alipay's) the NUL check (blueprints/params.py) parsed
    already is encoded again: Alipay signs the decoded fields, not the bytes."""
    return request.get_data() or urlencode(list(request.form.items(multi=True))).encode()
