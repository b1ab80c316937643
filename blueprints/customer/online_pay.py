"""Paying online (docs/payments.md, "Paying online"): the customer's checkout from the tracking
page, their return from the provider, and the providers' notify routes (no login, no CSRF
token: the provider's signature is checked instead)."""

import logging
from urllib.parse import urlencode

from flask import Blueprint, abort, redirect, request, url_for
from flask_babel import gettext as _

from blueprints.customer.tracking import _order, _page
from extensions import csrf
from models.errors import DomainError
from models.orders.order import Order
from models.payments.online import check_paid, providers, settle_notification, start_checkout
from models.payments.providers.base import (
    BadNotification,
    CheckoutKind,
    NotificationKind,
    ProviderError,
    Scene,
)
from models.payments.providers.wechat_oauth import authorize_url, openid_for
from models.payments.refund_provider import on_refund_notification
from models.payments.wechat_signin import signin_state, state_is_for

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
    the QR code (Native). Inside WeChat, WeChat Pay goes by WeChat's sign-in first (JSAPI needs
    the payer's openid) when the shop has set it up; otherwise the Native QR code, or wap pay."""
    order = _order(token)
    scene = scene_of(request.headers.get("User-Agent", ""))
    if scene == Scene.WECHAT:
        wechat = _jsapi_settings()
        if provider == "wechat" and wechat:
            redirect_uri = url_for(".wechat_signed_in", token=token, _external=True)
            return redirect(authorize_url(wechat, redirect_uri, signin_state(token)), code=303)
        scene = Scene.PHONE if provider == "alipay" else Scene.DESKTOP  # wap pay, Native QR
    return _checkout(order, provider, scene)


@bp.get("/o/<token>/pay/wechat/signed-in")
def wechat_signed_in(token):
    """WeChat's sign-in sends the customer back here with `code` and our `state`: the state must
    be ours for this order; the code gives the openid, and the JSAPI order is made. A code WeChat
    does not accept falls back to the Native QR code, saying so."""
    order = _order(token)
    wechat = _jsapi_settings()
    if wechat is None:
        abort(404)
    if not state_is_for(request.args.get("state", ""), token):
        return _page(
            order,
            status=403,
            error=_("This sign-in link is not for this order. Tap the pay button again."),
        )
    try:
        openid = openid_for(wechat, request.args.get("code", ""))
    except ProviderError as error:
        log.warning("wechat sign-in for order %s failed: %s", order.id, error)
        _checkout(order, "wechat", Scene.DESKTOP)
        message = _(
            "WeChat did not confirm who is paying, so paying right inside WeChat is not possible "
            "now. Scan this code with WeChat on another device, or tap the pay button again."
        )
        return _page(Order.get_by_id(order.id), error=message)
    return _checkout(order, "wechat", Scene.WECHAT, openid=openid)


def _jsapi_settings():
    """WeChat Pay's settings when it pays inside WeChat (the app secret is set), else None."""
    wechat = providers().get("wechat")
    return wechat.settings if wechat and wechat.settings.jsapi else None


def _checkout(order, provider, scene, openid=""):
    try:
        online = start_checkout(
            order,
            provider,
            scene,
            client_ip=request.remote_addr or "127.0.0.1",
            return_url=url_for(".paid_return", token=order.tracking_token, _external=True),
            openid=openid,
        )
    except DomainError as error:
        return _page(Order.get_by_id(order.id), status=422, error=str(error))
    if online.checkout_kind == CheckoutKind.REDIRECT:
        return redirect(online.checkout_url, code=303)
    page = url_for("tracking.order_page", token=order.tracking_token)
    return redirect(page + "#pay-online", code=303)


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
