"""Time slots as customers and staff read them (models/activities/slots.py, i18n.py format_slot): when a
slot starts and ends, in the shop's time zone and the reader's language with its weekday and
how far off it is; which slot is the next free one; the slot in the notice texts."""

from datetime import datetime, timedelta

import pytest

import i18n
from models.activities.slots import (
    BookedSlot,
    booked_slots,
    describe,
    next_free_slot,
    slot_end,
    slot_start,
)
from tasks.notifications import sweep_due
from tests.factories import make_activity, make_product, order_for
from tests.helpers import EN, ZH

FIELD = {
    "name": "slot",
    "type": "time_slot",
    "label": "Time slot",
    "slots": [
        {"id": "2026-12-07 09:00–11:00", "label": "12-07 09:00–11:00", "capacity": 2},
        {"id": "am", "label": "Morning, bring keys", "starts_at": "2026-12-08T09:30"},
        {"id": "whenever", "label": "Any time this week"},
        {"id": "2026-12-09 22:00-01:00", "label": "night shift", "capacity": 1},
    ],
}


def test_a_slot_starts_at_its_starts_at_or_a_date_and_time_its_id_begins_with(app_context):
    # Shanghai is UTC+8: 09:00 there is 01:00 UTC
    first, second, third, _night = FIELD["slots"]
    assert slot_start(first) == datetime(2026, 12, 7, 1, 0)
    assert slot_start(second) == datetime(2026, 12, 8, 1, 30)
    assert slot_start(third) is None
    assert slot_start({"id": "2026-02-30 09:00"}) is None  # no such day


def test_a_slot_ends_where_a_time_range_from_its_start_says(app_context):
    first, second, _, night = FIELD["slots"]
    assert slot_end(first, slot_start(first)) == datetime(2026, 12, 7, 3, 0)
    assert slot_end(second, slot_start(second)) is None  # "Morning" names no end
    assert slot_end(night, slot_start(night)) == datetime(2026, 12, 9, 17, 0)  # after midnight
    other = {"id": "2026-12-07 09:00", "label": "10:00–12:00"}  # a range of another start
    assert slot_end(other, slot_start(other)) is None


def test_an_orders_booked_slots_name_their_field_and_keep_a_telling_label(app_context):
    fields = [{"name": "name", "type": "short_text"}, FIELD]
    [slot] = booked_slots(fields, {"name": "Li", "slot": "am"})
    assert slot == BookedSlot(
        "Time slot", "Morning, bring keys", datetime(2026, 12, 8, 1, 30), None
    )
    assert slot.note == "Morning, bring keys"
    assert describe(FIELD, "2026-12-07 09:00–11:00").note == ""  # only says the date and time
    assert describe(FIELD, "whenever").note == ""  # shown as its label anyway
    assert booked_slots(fields, {"slot": "gone"}) == [] == booked_slots(fields, {})


@pytest.mark.parametrize(
    ("headers", "first", "second", "third"),
    [
        (
            EN,
            "Mon, Dec 7, 2026, 9:00\u2009–\u200911:00\u202fAM · in 2 days",
            "Tue, Dec 8, 2026, 9:30\u202fAM · in 3 days · Morning, bring keys",
            "Any time this week",
        ),
        (
            ZH,
            "2026年12月7日周一 09:00–11:00 · 2天后",
            "2026年12月8日周二 09:30 · 3天后 · Morning, bring keys",
            "Any time this week",
        ),
    ],
)
def test_a_slot_reads_with_its_weekday_and_how_far_off_it_is_in_the_readers_language(
    app, headers, first, second, third
):
    now = datetime(2026, 12, 5, 3, 0)  # 11:00 on Saturday 5 December in Shanghai
    with app.test_request_context(headers=headers):
        texts = [i18n.format_slot(describe(FIELD, s["id"]), now) for s in FIELD["slots"][:3]]
    assert texts == [first, second, third]


def test_how_far_off_counts_the_shops_calendar_days(app):
    now = datetime(2026, 12, 5, 14, 0)  # 22:00 on 5 December in Shanghai
    with app.test_request_context(headers=EN):
        tomorrow_morning = datetime(2026, 12, 6, 1, 0)  # 09:00 on the 6th: 11 hours away
        assert i18n.format_relative(tomorrow_morning, now) == "in 1 day"
        assert i18n.format_relative(datetime(2026, 12, 7, 1, 0), now) == "in 2 days"
        assert i18n.format_relative(datetime(2026, 12, 5, 15, 0), now) == "in 1 hour"
        assert i18n.format_relative(now + timedelta(days=10), now) == "in 10 days"
        assert i18n.format_relative(datetime(2026, 12, 3, 1, 0), now) == "2 days ago"
    with app.test_request_context(headers=ZH):
        assert i18n.format_relative(datetime(2026, 12, 7, 1, 0), now) == "2天后"


def test_the_next_free_slot_is_the_first_with_room_after_the_full_one(app_context):
    now = datetime(2026, 12, 1)
    ids = [s["id"] for s in FIELD["slots"]]
    left = {ids[0]: 0, ids[1]: None, ids[2]: None, ids[3]: 1}
    assert next_free_slot(FIELD, left, ids[0], now) == ids[1]
    assert next_free_slot(FIELD, left | {ids[1]: 0}, ids[0], now) == ids[2]  # no start: open
    assert next_free_slot(FIELD, left, ids[3], now) == ids[1]  # from the top after the last
    full = dict.fromkeys(ids, 0)
    assert next_free_slot(FIELD, full | {ids[0]: 3}, ids[1], now) == ids[0]
    assert next_free_slot(FIELD, full, ids[0], now) is None
    later = datetime(2026, 12, 8, 12)  # the first two have begun
    assert next_free_slot(FIELD, left, ids[3], later) == ids[2]


def test_the_order_received_message_says_when_the_booking_is(app, client):
    with app.app_context():
        service = make_product(None, price=12000, name="Home cleaning")
        version = make_activity([service], limit=1, kind="service", extra_fields=[FIELD])
        order = order_for(version, [(service, 1)], answers={"slot": "am"}, locale="en")
        sweep_due()
    page = client.get(f"/o/{order.tracking_token}", headers=EN).get_data(as_text=True)
    assert "Booked for: Tue, Dec 8, 2026, 9:30\u202fAM · " in page
    with app.app_context():
        other = order_for(version, [(service, 1)], answers={}, locale="en")
        sweep_due()
    page = client.get(f"/o/{other.tracking_token}", headers=EN).get_data(as_text=True)
    assert "We received your order" in page and "Booked for" not in page
