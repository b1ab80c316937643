"""The action "send a message" to the customer or all staff: a "notified" timeline event and,
when its notice is switched on, its outbox row (docs/notifications.md)."""

from flask_babel import lazy_gettext as _l

from models.automation.actions.base import Action, Step
from models.automation.kinds import RowError
from models.messaging.notifications import NOTICES, notice_settings
from models.messaging.outbox import add_work
from models.orders.lifecycle import Actor, record_event
from models.orders.order import Order

AUDIENCES = {"customer": _l("the customer"), "staff": _l("all staff")}
MESSAGE_NOTICES = {"customer": "rule_message", "staff": "rule_message_staff"}


class Notify(Action):
    inputs = ("to", "message")

    def parse(self, row: dict, choices) -> dict:
        if row["to"] not in AUDIENCES:
            raise RowError("to", _l("Choose who gets the message."))
        if not row["message"] or len(row["message"]) > 1000:
            raise RowError("message", _l("Write the message (at most 1000 characters)."))
        return {"kind": self.name, "to": row["to"], "message": row["message"]}

    def decide(self, stored, s, rule, context) -> Step:
        to, message = stored.get("to", "customer"), stored.get("message", "")
        text = _l("Message to %(to)s: %(message)s", to=AUDIENCES.get(to, to), message=message)
        return Step("notify", text, to=to, message=message, action=self)

    def apply(self, step, s, rule) -> None:
        order = Order.get_by_id(s.order_id)
        event = record_event(order, Actor.rule(rule.name), kind="notified", note=step.message)
        notice = NOTICES[MESSAGE_NOTICES[step.to]]
        settings = notice_settings(order.template_version.settings, notice)
        if settings["enabled"] and settings["channels"]:
            payload = {"event": event.id, "notice": notice.name}
            add_work("notify", f"notify.{event.id}.{notice.name}", payload)


NOTIFY = Notify("notify", _l("Send a message"))
