"""Conditions on how the order reaches its customer: its delivery zone, its delivery method
(pickup, the shop's own couriers, an express carrier: models/delivery/dispatch.py)."""

from flask_babel import lazy_gettext as _l

from models.automation.conditions.base import Condition
from models.automation.conditions.choice import ChosenId
from models.automation.kinds import RowError
from models.delivery.dispatch import METHODS


class Method(Condition):
    def parse(self, row: dict, choices) -> dict:
        if row["value"] not in METHODS:
            raise RowError("value", _l("Choose a delivery method."))
        return {"kind": self.name, "value": row["value"]}

    def holds(self, stored, s) -> bool:
        return s.method == stored.get("value")


DELIVERY_ZONE = ChosenId(
    "delivery_zone", _l("Delivery zone is"), "zone_id", "zones", _l("Choose a delivery zone.")
)
DELIVERY_METHOD = Method("delivery_method", _l("Delivery method is"))
