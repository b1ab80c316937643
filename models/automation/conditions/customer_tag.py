"""The condition "the customer has a tag" (tags compare without case or surrounding spaces)."""

from flask_babel import lazy_gettext as _l

from models.automation.conditions.base import Condition
from models.automation.kinds import RowError
from models.matching import fold


def parse_tag(text: str, field: str) -> str:
    """A tag as typed in a rule row (a condition's or the add_tag action's)."""
    if not text or len(text) > 40:
        raise RowError(field, _l("Enter a tag of at most 40 characters."))
    return text


class CustomerTag(Condition):
    def parse(self, row: dict, choices) -> dict:
        return {"kind": self.name, "value": parse_tag(row["value"], "value")}

    def holds(self, stored, s) -> bool:
        return fold(stored.get("value")) in {fold(tag) for tag in s.customer_tags}


CUSTOMER_TAG = CustomerTag("customer_tag", _l("Customer has tag"))
