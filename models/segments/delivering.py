"""One recipient's message, rendered when the outbox worker reaches its row (the "prepare"
of the `segment_message` outbox kind, tasks/notifications.py `WORK`): consent is read again
then, so a customer who opted out after the send was written hears nothing. The text's
`{name}` becomes the customer's name; every message ends with the customer's opt-out link.
SMS goes to the customer's phone; email to the address on their latest order, in-app to the
tracking page of that order; a customer without one is skipped for that channel.
"""

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from models.board.directory import LatestOrder
from models.customers.customer import Customer
from models.messaging.notifications import customer_email
from models.messaging.outbox import Outbox
from models.messaging.texts import page_url
from models.orders.order import Order
from models.segments.consent import ContactConsent, reachable, token_for
from models.segments.messages import SegmentMessage

NOTICE = "segment_message"


def opt_out_url(token: str) -> str:
    return page_url("segment_optout.show", token=token)


def render_text(text: str, customer: Customer, token: str, locale: str) -> str:
    """The message as the customer reads it: their name in place of {name}, the opt-out link
    at the end."""
    with force_locale(locale):
        footer = _("Opt out of these messages: %(url)s", url=opt_out_url(token))
    return f"{text.replace('{name}', customer.name)}\n\n{footer}"


def subject_of(message_text: str) -> str:
    first = message_text.strip().splitlines()[0] if message_text.strip() else ""
    return (first[:60] or current_app.config["SHOP_NAME"]).replace("{name}", "")


def latest_order(customer_id: int) -> Order | None:
    latest = LatestOrder.get_or_none(LatestOrder.customer == customer_id)
    return Order.get_or_none(Order.id == latest.order_id) if latest else None


def address(channel: str, customer: Customer, order: Order | None) -> str:
    if channel == "sms":
        return customer.phone
    if order is None:
        return ""
    return customer_email(order) if channel == "email" else customer.name


def recipient_rows(item: Outbox) -> list[dict]:
    """The delivery of one recipient's message, as rows for `add_deliveries`; none when the
    customer may no longer be reached or has no address on the channel."""
    message = SegmentMessage.get_or_none(SegmentMessage.id == item.payload["message"])
    customer = Customer.get_or_none(Customer.id == item.payload["customer"])
    if message is None or customer is None:
        return []
    if not reachable().where(ContactConsent.customer == customer.id).exists():
        return []  # opted out (or consent withdrawn) since the send
    order = latest_order(customer.id)
    to = address(message.channel, customer, order)
    if not to:
        return []
    locale = getattr(order, "locale", None) or current_app.config["DEFAULT_LOCALE"]
    return [
        {
            "outbox": item.id,
            "notice": NOTICE,
            "audience": "customer",
            "channel": message.channel,
            "recipient": to,
            "order": order.id if order and message.channel == "inapp" else None,
            "locale": locale,
            "subject": subject_of(message.text),
            "body": render_text(message.text, customer, token_for(customer.id), locale),
            "link": "",
            "delivery_key": item.delivery_key,
        }
    ]
