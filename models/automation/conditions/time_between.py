"""The condition "the shop's time of day is between two times" (a window may run past
midnight); the time is the event's, or now for schedule rules."""

import re
from datetime import datetime, time

from flask_babel import lazy_gettext as _l

from models.automation.conditions.base import Condition
from models.automation.kinds import RowError

CLOCK = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


class TimeBetween(Condition):
    inputs = ("value", "until")

    def parse(self, row: dict, choices) -> dict:
        value, until = row["value"], row["until"]
        for name, text in (("value", value), ("until", until)):
            if not CLOCK.fullmatch(text):
                raise RowError(name, _l("Enter a time like 08:30."))
        if value == until:
            raise RowError("until", _l("The end must differ from the start."))
        return {"kind": self.name, "value": value, "until": until}

    def holds(self, stored, s) -> bool:
        start, end = parse_clock(stored.get("value")), parse_clock(stored.get("until"))
        return in_window(s.moment, start, end)


def parse_clock(text: str) -> time:
    """ "HH:MM" as a time of day."""
    return datetime.strptime(text, "%H:%M").time()


def in_window(moment: time, start: time, end: time) -> bool:
    """start <= moment < end; a window whose end comes before its start runs past midnight."""
    if start <= end:
        return start <= moment < end
    return moment >= start or moment < end


TIME_BETWEEN = TimeBetween("time_between", _l("Time of day between"))
