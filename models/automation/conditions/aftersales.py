"""Conditions of the trigger "after-sales requested", on a case's snapshot (case_snapshot.py):
what the customer asks for, the amount asked about (typed in yuan, stored in fen), and how many
cases the customer opened before it in the last N days."""

import operator
import re
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from models.aftersales.case import KIND_LABELS
from models.automation.conditions.base import Condition
from models.automation.kinds import RowError
from models.money import amount_text, typed_amount

WHOLE = re.compile(r"\d{1,4}")
MAX_DAYS = 3650


class CaseCondition(Condition):
    subject = "case"


class CaseKindIs(CaseCondition):
    template = "case_kind"

    def parse(self, row: dict, choices) -> dict:
        if row["value"] not in KIND_LABELS:
            raise RowError("value", _l("Choose a type of request."))
        return {"kind": self.name, "value": row["value"]}

    def holds(self, stored, s) -> bool:
        return s.kind == stored.get("value")


class Amount(CaseCondition):
    """The amount asked about compared with the stored fen (below: strictly less)."""

    template = "case_amount"

    def __init__(self, name, label, compare):
        super().__init__(name, label)
        self.compare = compare

    def parse(self, row: dict, choices) -> dict:
        fen = typed_amount(row["value"])
        if fen is None:
            raise RowError("value", _l("Enter an amount in yuan, like 12.50."))
        return {"kind": self.name, "value": fen}

    def form_data(self, stored: dict) -> dict:
        return {**super().form_data(stored), "value": amount_text(stored["value"])}

    def holds(self, stored, s) -> bool:
        return self.compare(s.amount, stored.get("value"))


class EarlierCasesBelow(CaseCondition):
    """Fewer than `value` earlier cases of the customer opened in the `days` before this one."""

    inputs = ("value", "days")
    template = "customer_cases"

    def parse(self, row: dict, choices) -> dict:
        if not WHOLE.fullmatch(row["value"]) or int(row["value"]) < 1:
            raise RowError("value", _l("Enter a whole number of at least 1."))
        if not WHOLE.fullmatch(row["days"]) or not 1 <= int(row["days"]) <= MAX_DAYS:
            raise RowError("days", _l("Enter a number of days from 1 to %(max)s.", max=MAX_DAYS))
        return {"kind": self.name, "value": int(row["value"]), "days": int(row["days"])}

    def form_data(self, stored: dict) -> dict:
        return {**super().form_data(stored), "days": str(stored.get("days"))}

    def holds(self, stored, s) -> bool:
        since = s.opened_at - timedelta(days=stored.get("days") or 0)
        return sum(1 for opened in s.earlier if opened >= since) < (stored.get("value") or 0)


CASE_KIND = CaseKindIs("case_kind", _l("Request type is"))
AMOUNT_BELOW = Amount("case_amount_below", _l("Amount asked under"), operator.lt)
AMOUNT_AT_LEAST = Amount("case_amount_at_least", _l("Amount asked at least"), operator.ge)
EARLIER_CASES_BELOW = EarlierCasesBelow(
    "customer_cases_below", _l("Customer's earlier cases in the last days fewer than")
)
