"""Form fields typed as text and read into values: yuan kept as integer fen, whole counts,
minutes, clock times. Blank is None for each."""

import re
from datetime import time

from flask_babel import lazy_gettext as _l
from wtforms.widgets import NumberInput, TimeInput

from models.activities.fields.inputs import ParsedTextField
from models.money import amount_text, typed_amount

CLOCK = re.compile(r"(\d{1,2})[:：](\d{2})(?:[:：]\d{2})?")
WHOLE = re.compile(r"\d{1,9}")


class MoneyField(ParsedTextField):
    """Yuan as typed ("12.5", "¥12.50") -> integer fen; blank is None."""

    def parse(self, text):
        fen = typed_amount(text)
        if fen is None:
            raise ValueError(_l("Enter an amount in yuan, like 12.50."))
        return fen

    def format(self, value) -> str:
        return amount_text(value)


class CountField(ParsedTextField):
    """A whole number of at least 1; blank is None (no limit)."""

    widget = NumberInput(min=1, step=1)

    def parse(self, text):
        if not WHOLE.fullmatch(text) or int(text) < 1:
            raise ValueError(_l("Enter a whole number of at least 1, or leave it empty."))
        return int(text)


class MinutesField(CountField):
    """A number of minutes from 1 to `maximum`; blank is None (off)."""

    def __init__(self, label=None, validators=None, *, maximum: int, minimum=1, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.minimum, self.maximum = minimum, maximum
        self.widget = NumberInput(min=minimum, max=maximum, step=1)

    def parse(self, text):
        if not WHOLE.fullmatch(text) or not self.minimum <= int(text) <= self.maximum:
            raise ValueError(
                _l(
                    "Enter a whole number of minutes from %(least)s to %(most)s, or leave it "
                    "empty.",
                    least=self.minimum,
                    most=self.maximum,
                )
            )
        return int(text)


class ClockField(ParsedTextField):
    """A time of day as typed ("9:30", "09:30", "9：30"); blank is None."""

    widget = TimeInput()

    def parse(self, text):
        match = CLOCK.fullmatch(text)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise ValueError(_l("Enter a time like 10:00."))
        return time(int(match[1]), int(match[2]))

    def format(self, value) -> str:
        return value.strftime("%H:%M")
