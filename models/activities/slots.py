"""Time slots: when a slot of a `time_slot` field starts and ends, which slots an order has
booked, and which slot is the next free one when the chosen one is full.

A slot is a dict of its field's spec: {id, label, capacity, starts_at}
(docs/order-form-fields.md). It starts at its `starts_at` ("YYYY-MM-DDTHH:MM", shop time),
else at a date and time its id begins with (the demo's "2026-12-07 09:00–11:00"); it ends at
the time of a range written after that start in its label or id ("09:00–11:00").
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from models.base import utcnow
from models.shop_time import to_utc

SLOT_START = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})")
TIME_RANGE = re.compile(r"(\d{1,2}:\d{2})\s*[-–—~～至到]\s*(\d{1,2}:\d{2})")
ONLY_DATE_AND_TIME = re.compile(r"[\d\s\-–—~～至到/:.]*")


@dataclass(frozen=True)
class BookedSlot:
    """A slot as the customer chose it: `field` is its field's label, `starts_at` and
    `ends_at` naive UTC (None when the slot says no time)."""

    field: str
    label: str
    starts_at: datetime | None
    ends_at: datetime | None

    @property
    def note(self) -> str:
        """The admin's label when it says more than the date and time shown for the slot."""
        if self.starts_at is None or ONLY_DATE_AND_TIME.fullmatch(self.label):
            return ""
        return self.label


def slot_start(slot: dict) -> datetime | None:
    """When a time slot starts (naive UTC), or None when neither its `starts_at` nor its id
    says."""
    for text in (slot.get("starts_at"), str(slot.get("id", ""))):
        match = SLOT_START.match(text or "")
        if match:
            try:
                return to_utc(datetime.strptime(f"{match[1]} {match[2]}", "%Y-%m-%d %H:%M"))
            except ValueError:
                continue
    return None


def slot_end(slot: dict, start: datetime | None) -> datetime | None:
    """When a slot that starts at `start` ends: the end of a time range that begins at the
    start's time ("09:00–11:00") in its label or id; None when neither has one."""
    if start is None:
        return None
    local_start = _shop_clock(slot)
    for text in (slot.get("label"), str(slot.get("id", ""))):
        for match in TIME_RANGE.finditer(text or ""):
            begin, end = (_minutes(value) for value in match.groups())
            if begin is None or end is None or begin != local_start:
                continue
            length = (end - begin) % (24 * 60)
            return start + timedelta(minutes=length) if length else None
    return None


def _shop_clock(slot: dict) -> int | None:
    """Minutes after midnight (shop time) at which the slot starts, as its text says."""
    for text in (slot.get("starts_at"), str(slot.get("id", ""))):
        match = SLOT_START.match(text or "")
        if match:
            return _minutes(match[2])
    return None


def _minutes(clock: str) -> int | None:
    hours, minutes = (int(part) for part in clock.split(":"))
    return hours * 60 + minutes if hours < 24 and minutes < 60 else None


def describe(spec: dict, slot_id) -> BookedSlot | None:
    """The slot `slot_id` of the time-slot field `spec`, or None when it has no such slot."""
    slot = next((s for s in spec.get("slots") or [] if str(s.get("id")) == str(slot_id)), None)
    if slot is None:
        return None
    start = slot_start(slot)
    return BookedSlot(
        field=spec.get("label") or spec["name"],
        label=str(slot.get("label") or slot["id"]),
        starts_at=start,
        ends_at=slot_end(slot, start),
    )


def booked_slots(fields: list[dict], answers: dict | None) -> list[BookedSlot]:
    """The slots an order's answers hold, in form order (`fields`: its version's fields)."""
    answers = answers or {}
    found = (
        describe(spec, answers.get(spec["name"]))
        for spec in fields or []
        if spec.get("type") == "time_slot" and answers.get(spec["name"]) is not None
    )
    return [slot for slot in found if slot is not None]


def next_free_slot(spec: dict, left: dict, full_id, now: datetime | None = None) -> str | None:
    """The id of the first slot after `full_id` (in the field's order, then from the top)
    with a place left and not yet begun; None when every slot is full or over.
    `left`: {slot id: places left, None for no limit} (models/activities/activity.py remaining_slots)."""
    now = now or utcnow()
    ids = [str(slot["id"]) for slot in spec.get("slots") or []]
    by_id = {str(slot["id"]): slot for slot in spec.get("slots") or []}
    start = ids.index(str(full_id)) + 1 if str(full_id) in ids else 0
    for slot_id in ids[start:] + ids[:start]:
        places, begins = left.get(slot_id), slot_start(by_id[slot_id])
        has_room = places is None or places > 0
        if slot_id != str(full_id) and has_room and (begins is None or begins > now):
            return slot_id
    return None
