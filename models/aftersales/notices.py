"""What a case tells people: each step and message also goes on the order's timeline as an
OrderEvent, and the order-change signal plans its notices (models/messaging/aftersales_notices.py):
"aftersales" events notify the customer (a step or a message from the shop), "aftersales_asked"
events notify staff (a request, a reply or a withdrawal from the customer). Texts are written
in the customer's language (the order's) or the shop's."""

from flask import current_app
from flask_babel import force_locale

from models.aftersales.case import AfterSalesCase, CaseStatus
from models.orders.lifecycle import Actor, record_event
from models.orders.order import Order

TO_CUSTOMER, TO_SHOP = "aftersales", "aftersales_asked"


def tell_customer(case: AfterSalesCase, actor: Actor, words) -> None:
    """`words(case)` (called in the customer's language) to the customer; inside the change's
    transaction."""
    order = Order.get_by_id(case.order_id)
    with force_locale(order.locale or current_app.config["DEFAULT_LOCALE"]):
        text = f"{case.code}: {words(case)}"
    record_event(order, actor, kind=TO_CUSTOMER, note=text)


def tell_shop(case: AfterSalesCase, actor: Actor, words) -> None:
    order = Order.get_by_id(case.order_id)
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        text = f"{case.code}: {words(case)}"
    record_event(order, actor, kind=TO_SHOP, note=text)


def step_words(to_status: str, note: str = ""):
    """The words of a step: its status, and the word to the customer if any."""

    def words(case):
        label = str(CaseStatus(to_status).label)
        return f"{label} — {note}" if note else label

    return words
