"""A leader's message to their participants: the customers of their open orders, each told
once (on their latest open order), through the shop's "message about your order" notice."""

from flask_babel import lazy_gettext as _l

from models.accounts.user import User
from models.db import db
from models.errors import DomainError
from models.leaders.handover import leader_actor
from models.leaders.leader import orders_of
from models.messaging.notifications import NOTICES, notice_settings
from models.messaging.outbox import add_work
from models.orders.lifecycle import record_event
from models.orders.status import OPEN_STATUSES

MESSAGE_MAX = 500


class BadMessage(DomainError):
    message = _l("Write the message (at most %(count)s characters).", count=MESSAGE_MAX)


def message_participants(leader: User, text: str) -> int:
    """Send `text` to each customer with an open order of the leader's; how many were told.
    One transaction: every timeline note and outbox row, or none."""
    text = (text or "").strip()
    if not text or len(text) > MESSAGE_MAX:
        raise BadMessage(field="message")
    latest = {}
    for order in orders_of(leader, limit=2000):  # newest first
        if order.status in OPEN_STATUSES:
            latest.setdefault(order.customer_id, order)
    notice = NOTICES["rule_message"]
    with db.atomic():
        for order in latest.values():
            event = record_event(order, leader_actor(leader), kind="notified", note=text)
            settings = notice_settings(order.template_version.settings, notice)
            if settings["enabled"] and settings["channels"]:
                payload = {"event": event.id, "notice": notice.name}
                add_work("notify", f"notify.{event.id}.{notice.name}", payload)
    return len(latest)
