"""POST /pay/refund-notify/wechat: WeChat Pay's asynchronous refund outcome. Public (the
gateway calls it) and without CSRF: the SDK verifies its signature and decrypts it with the
APIv3 key, and only then is a refund settled (models/payments/refund_provider.py). Alipay
answers a refund at once, so it has no such route."""

import logging

from flask import Blueprint, abort, current_app, request

from extensions import csrf
from models.payments.providers import app_providers
from models.payments.providers.base import ProviderError
from models.payments.refund_provider import on_refund_notification

bp = Blueprint("refund_notify", __name__, url_prefix="/pay")
csrf.exempt(bp)
log = logging.getLogger(__name__)


@bp.post("/refund-notify/wechat")
def wechat():
    provider = app_providers(current_app).get("wechat")
    if provider is None:
        abort(404)
    try:
        notification = provider.verify_notification(request.headers, request.get_data())
    except ProviderError as error:
        log.warning("refund notification refused: %s", error)
        return provider.answer(False)
    return provider.answer(on_refund_notification(notification))
