"""Conditions on one thing the order has, chosen from a list: its activity, its pickup point,
its status."""

from flask_babel import lazy_gettext as _l

from models.automation.conditions.base import Condition
from models.automation.kinds import RowError
from models.orders.status import STATUSES
from models.params import positive_id


class ChosenId(Condition):
    """The order's `attribute` is the chosen one of `choices.<options>` ({id: name})."""

    def __init__(self, name, label, attribute: str, options: str, missing):
        super().__init__(name, label)
        self.attribute, self.options, self.missing = attribute, options, missing

    def parse(self, row: dict, choices) -> dict:
        chosen = positive_id(row["value"])
        if chosen not in getattr(choices, self.options):
            raise RowError("value", self.missing)
        return {"kind": self.name, "value": chosen}

    def holds(self, stored, s) -> bool:
        return getattr(s, self.attribute) == stored.get("value")


class Status(Condition):
    def parse(self, row: dict, choices) -> dict:
        if row["value"] not in STATUSES:
            raise RowError("value", _l("Choose a status."))
        return {"kind": self.name, "value": row["value"]}

    def holds(self, stored, s) -> bool:
        return s.status == stored.get("value")


ACTIVITY = ChosenId(
    "template", _l("Activity is"), "template_id", "templates", _l("Choose an activity.")
)
STATUS = Status("status", _l("Status is"))
PICKUP_POINT = ChosenId(
    "pickup_point", _l("Pickup point is"), "pickup_point_id", "points", _l("Choose a pickup point.")
)
