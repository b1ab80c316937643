"""Actions that move the order along its lifecycle: confirm it, or set a status (one step the
lifecycle allows a rule)."""

from dataclasses import replace

from flask_babel import lazy_gettext as _l

from models.automation.actions.base import Action, Step, skip, status_label
from models.automation.kinds import RowError
from models.orders.lifecycle import TRANSITIONS, Actor, transition_order
from models.orders.order import Order
from models.orders.status import STATUSES, OrderStatus


class SetStatus(Action):
    inputs = ("status",)

    def parse(self, row: dict, choices) -> dict:
        if row["status"] not in STATUSES or row["status"] == OrderStatus.PENDING:
            raise RowError("status", _l("Choose a status."))
        return {"kind": self.name, "status": row["status"]}

    def target(self, stored: dict) -> str:
        return stored.get("status", "")

    def decide(self, stored, s, rule, context) -> Step:
        to = self.target(stored)
        words = {"old": status_label(s.status), "new": status_label(to)}
        if "rule" not in TRANSITIONS.get((s.status, to), ()):
            return skip(_l("Skipped: the order cannot go from %(old)s to %(new)s.", **words))
        return Step("status", _l("Status %(old)s → %(new)s", **words), status=to, action=self)

    def apply(self, step, s, rule) -> None:
        order = Order.get_by_id(s.order_id)
        transition_order(order, step.status, Actor.rule(rule.name), expected_version=s.version)

    def after(self, step, s):
        return replace(s, status=step.status, version=s.version + 1)


class Confirm(SetStatus):
    inputs = ()

    def parse(self, row: dict, choices) -> dict:
        return {"kind": self.name}

    def target(self, stored: dict) -> str:
        return OrderStatus.CONFIRMED


CONFIRM = Confirm("confirm", _l("Confirm the order"))
SET_STATUS = SetStatus("set_status", _l("Set the status"))
