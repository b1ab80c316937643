"""Conditions on an answer to the order form: it equals, or contains, a text (case and
surrounding spaces aside)."""

import re

from flask_babel import lazy_gettext as _l

from models.automation.conditions.base import Condition
from models.automation.kinds import RowError
from models.matching import fold

FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")


class Answer(Condition):
    inputs = ("field", "value")
    template = "answer"

    def __init__(self, name, label, contains: bool):
        super().__init__(name, label)
        self.contains = contains

    def parse(self, row: dict, choices) -> dict:
        if not FIELD_NAME.fullmatch(row["field"]):
            raise RowError("field", _l("Enter the name of a form field."))
        value = row["value"]
        if not value or len(value) > 200:
            raise RowError("value", _l("Enter the text to compare with (at most 200 characters)."))
        return {"kind": self.name, "field": row["field"], "value": value}

    def holds(self, stored, s) -> bool:
        wanted = fold(stored.get("value"))
        texts = [fold(text) for text in answer_texts(s.answers.get(stored.get("field")))]
        if self.contains:
            return any(wanted in text for text in texts)
        return wanted in texts


def answer_texts(answer) -> list[str]:
    """An answer as the texts a condition compares: each chosen option of a multiple choice,
    "yes"/"no" for a tick box, nothing for product quantities or a missing answer."""
    if answer is None or isinstance(answer, dict):
        return []
    if isinstance(answer, bool):
        return ["yes" if answer else "no"]
    if isinstance(answer, list):
        return [str(item) for item in answer]
    return [str(answer)]


ANSWER_EQUALS = Answer("answer_equals", _l("An answer equals"), contains=False)
ANSWER_CONTAINS = Answer("answer_contains", _l("An answer contains"), contains=True)
