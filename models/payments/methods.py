"""How a form lets its customers pay: its `payment_methods` setting (docs/order-form-fields.md),
at pickup (the shop records the payment then), by the shop's collection QR code (收款码,
models/payments/collection_codes.py) and/or online through WeChat Pay or Alipay
(models/payments/online.py), each offered only while its provider is configured."""

from flask_babel import lazy_gettext as _l

from models.activities.design import PAYMENT_METHODS
from models.activities.template import read_setting
from models.orders.order import Order

AT_PICKUP, COLLECTION_CODE = "at_pickup", "collection_code"
WECHAT_PAY, ALIPAY = "wechat_pay", "alipay"
METHODS = {
    AT_PICKUP: _l("Pay at pickup or on delivery"),
    COLLECTION_CODE: _l("Pay by the shop's WeChat Pay / Alipay QR code (收款码)"),
    WECHAT_PAY: _l("Pay online by WeChat Pay"),
    ALIPAY: _l("Pay online by Alipay"),
}
ONLINE = {WECHAT_PAY: "wechat", ALIPAY: "alipay"}  # method: its provider's name


def methods_in(settings: dict | None) -> list[str]:
    """The methods a version's or draft's settings offer, in METHODS order."""
    chosen = read_setting(settings, "payment_methods") or PAYMENT_METHODS
    return [method for method in METHODS if method in chosen]


def offers_collection_code(order: Order) -> bool:
    return COLLECTION_CODE in methods_in(order.template_version.settings)


def online_providers_in(settings: dict | None) -> list[str]:
    """The names of the providers ("wechat", "alipay") whose online method the settings offer."""
    return [ONLINE[method] for method in methods_in(settings) if method in ONLINE]
