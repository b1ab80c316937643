"""Conditions on how much: the order's total (typed in yuan, stored in fen) and its items."""

import operator
import re

from flask_babel import lazy_gettext as _l

from models.automation.conditions.base import Condition
from models.automation.kinds import RowError
from models.money import amount_text, typed_amount

WHOLE = re.compile(r"\d{1,6}")


class Compared(Condition):
    """The order's `attribute` compared (at least, at most) with the stored number."""

    attribute = ""

    def __init__(self, name, label, compare):
        super().__init__(name, label)
        self.compare = compare

    def holds(self, stored, s) -> bool:
        return self.compare(getattr(s, self.attribute), stored.get("value"))


class Total(Compared):
    template, attribute = "total", "total"

    def parse(self, row: dict, choices) -> dict:
        fen = typed_amount(row["value"])
        if fen is None:
            raise RowError("value", _l("Enter an amount in yuan, like 12.50."))
        return {"kind": self.name, "value": fen}

    def form_data(self, stored: dict) -> dict:
        return {**super().form_data(stored), "value": amount_text(stored["value"])}


class Quantity(Compared):
    template, attribute = "quantity", "quantity"

    def parse(self, row: dict, choices) -> dict:
        if not WHOLE.fullmatch(row["value"]):
            raise RowError("value", _l("Enter a whole number."))
        return {"kind": self.name, "value": int(row["value"])}


TOTAL_AT_LEAST = Total("total_at_least", _l("Total at least"), operator.ge)
TOTAL_AT_MOST = Total("total_at_most", _l("Total at most"), operator.le)
QUANTITY_AT_LEAST = Quantity("quantity_at_least", _l("Items at least"), operator.ge)
QUANTITY_AT_MOST = Quantity("quantity_at_most", _l("Items at most"), operator.le)
