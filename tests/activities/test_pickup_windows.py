"""Pickup windows (issue 12, item 16): when a pickup-point order is to be collected, worked out
from the point's opening hours or the activity's pickup day, kept on the order in UTC, and the
customer reminded once before it opens, never after the order was collected or cancelled.

The shop's clock is Asia/Shanghai (UTC+8). Jan 4, 2030 is a Friday."""

from datetime import datetime, time, timedelta

import pytest
from flask_babel import force_locale

from i18n import format_opening_hours
from models.activities.pickup import (
    PickupPoint,
    PickupWindow,
    next_opening,
    update_pickup_point,
    window_for,
)
from models.activities.publish_checks import draft_problems
from models.automation.timed import run_automation
from models.base import utcnow
from models.messaging.deliveries import Delivery
from models.messaging.outbox import Outbox
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order
from tasks.automation import tick
from tasks.notifications import sweep_due
from tests.factories import make_activity, make_product, order_for
from tests.helpers import EN

SAT, SUN = 5, 6
FRIDAY_8PM = datetime(2030, 1, 4, 12, 0)  # UTC: 20:00 on the shop's clock


def hours(*days) -> list[dict]:
    return [{"day": day, "from": opens, "until": closes} for day, opens, closes in days]


@pytest.fixture
def gate(app_context):
    return PickupPoint.create(
        name="East gate", address="88 River Rd", hours=hours((SAT, "10:00", "12:00"))
    )


@pytest.fixture
def metro(app_context):
    return PickupPoint.create(name="Metro exit B", hours=hours((SAT, "17:00", "19:00")))


def window(start: tuple, end: tuple) -> PickupWindow:
    """A window given on the shop's clock (UTC+8), as stored in UTC."""
    return PickupWindow(datetime(*start) - timedelta(hours=8), datetime(*end) - timedelta(hours=8))


# --- when -----------------------------------------------------------------------------------


def test_a_point_opens_on_its_weekdays_on_the_shops_clock(app_context):
    point = PickupPoint.create(
        name="Shop", hours=hours((SAT, "10:00", "12:00"), (SUN, "14:00", "16:00"))
    )
    saturday = window((2030, 1, 5, 10), (2030, 1, 5, 12))

    assert next_opening(point, datetime(2030, 1, 3, 12)) == saturday  # Thursday
    # Friday 17:00 UTC is already Saturday 01:00 in the shop: its day counts, not UTC's
    assert next_opening(point, datetime(2030, 1, 4, 17)) == saturday
    assert next_opening(point, saturday.starts_at - timedelta(minutes=1)) == saturday
    # once it has opened, the next opening: Sunday afternoon, then next Saturday
    assert next_opening(point, saturday.starts_at) == window((2030, 1, 6, 14), (2030, 1, 6, 16))
    assert next_opening(point, datetime(2030, 1, 6, 9)) == window(
        (2030, 1, 12, 10), (2030, 1, 12, 12)
    )
    assert next_opening(PickupPoint.create(name="No hours"), datetime(2030, 1, 3)) is None


def test_a_group_buy_is_collected_at_the_first_opening_after_its_deadline(gate):
    monday = datetime(2029, 12, 31, 2)

    assert window_for({}, FRIDAY_8PM, gate, monday) == window((2030, 1, 5, 10), (2030, 1, 5, 12))
    # ordered after the deadline (an activity without one, or still open): after the order
    late = datetime(2030, 1, 5, 3)  # Saturday 11:00, the gate already open
    assert window_for({}, None, gate, late) == window((2030, 1, 12, 10), (2030, 1, 12, 12))


def test_an_activitys_pickup_day_overrides_or_uses_each_points_hours(gate, metro):
    with_hours = {"pickup_window": {"date": "2030-01-06", "from": "09:00", "until": "11:30"}}
    day_only = {"pickup_window": {"date": "2030-01-05", "from": None, "until": None}}
    sunday_only = {"pickup_window": {"date": "2030-01-06", "from": None, "until": None}}
    now = datetime(2029, 12, 31)

    sunday_morning = window((2030, 1, 6, 9), (2030, 1, 6, 11, 30))
    assert window_for(with_hours, FRIDAY_8PM, gate, now) == sunday_morning
    assert window_for(with_hours, FRIDAY_8PM, metro, now) == sunday_morning
    assert window_for(day_only, FRIDAY_8PM, gate, now) == window((2030, 1, 5, 10), (2030, 1, 5, 12))
    assert window_for(day_only, FRIDAY_8PM, metro, now) == window(
        (2030, 1, 5, 17), (2030, 1, 5, 19)
    )
    assert window_for(sunday_only, FRIDAY_8PM, gate, now) is None  # closed on Sundays

    draft = {"fields": [], "settings": {"pickup_point_ids": [gate.id], **sunday_only}}
    assert (
        "The pickup point “East gate” has no opening hours on the pickup day; give the pickup "
        "hours in the settings." in draft_problems(draft, kind="service")
    )
    draft["settings"] |= with_hours
    assert not [p for p in draft_problems(draft, kind="service") if "pickup" in p]
    draft["settings"]["pickup_window"]["date"] = "2020-01-04"  # a copy of an old activity
    assert "The pickup day has passed; choose another one in the settings." in draft_problems(
        draft, kind="service"
    )


def test_an_order_keeps_the_window_it_was_placed_with(gate):
    apples = make_product(10, name="Apples")
    version = make_activity(
        [apples],
        settings={
            "pickup_point_ids": [gate.id],
            "pickup_window": {"date": "2030-01-05", "from": None, "until": None},
        },
        closes_at=FRIDAY_8PM,
    )

    order = order_for(version, [(apples, 1)], pickup_point=gate)
    delivered = order_for(version, [(apples, 1)], address="1 Main St")

    stored = Order.get_by_id(order.id)
    assert (stored.pickup_starts_at, stored.pickup_ends_at) == (
        datetime(2030, 1, 5, 2),  # 10:00 on the shop's clock, stored in UTC
        datetime(2030, 1, 5, 4),
    )
    assert Order.get_by_id(delivered.id).pickup_window is None
    update_pickup_point(gate, gate.name, gate.address, {SAT: (time(14), time(16))})
    assert Order.get_by_id(order.id).pickup_window == stored.pickup_window  # as promised


def test_opening_hours_read_with_days_in_a_row_together(app_context):
    weekdays = [(day, "09:00", "18:00") for day in range(5)]
    point = PickupPoint.create(name="Shop", hours=hours(*weekdays, (SAT, "10:00", "12:00")))

    with force_locale("en"):
        english = format_opening_hours(point)
    with force_locale("zh_CN"):
        chinese = format_opening_hours(point)

    assert english == (
        "Mon – Fri 9:00\u202fAM\u2009–\u20096:00\u202fPM, Sat 10:00\u202fAM\u2009–\u200912:00\u202fPM"
    )
    assert chinese == "周一至周五 09:00–18:00，周六 10:00–12:00"


# --- reminders ------------------------------------------------------------------------------


@pytest.fixture
def shop(gate, make_shop):
    made = make_shop(
        products={"apples": {"on_hand": 50, "name": "Apples"}},
        settings={"pickup_point_ids": [gate.id], "pickup_reminder_minutes": 60},
    )
    return made | {"gate": gate}


def opening_in(shop, minutes: float, **options) -> Order:
    """An order at the gate whose window opens `minutes` from now."""
    order = order_for(shop["version"], [(shop["apples"], 1)], pickup_point=shop["gate"], **options)
    starts = utcnow() + timedelta(minutes=minutes)
    Order.update(pickup_starts_at=starts, pickup_ends_at=starts + timedelta(hours=2)).where(
        Order.id == order.id
    ).execute()
    return Order.get_by_id(order.id)


def reminders() -> list[Delivery]:
    return list(Delivery.select().where(Delivery.notice == "pickup_reminder"))


def test_the_customer_is_reminded_once_before_the_window_opens(shop):
    due = opening_in(shop, 45, locale="en")
    later = opening_in(shop, 5 * 60)
    begun = opening_in(shop, -10)

    tick()
    tick()  # the next minute: nothing again

    [reminder] = reminders()
    assert (reminder.order_id, reminder.channel) == (due.id, "inapp")  # no email was given
    assert "Pickup point: East gate, 88 River Rd\nPickup time: " in reminder.body
    assert " · in " in reminder.body  # the window, read like a slot
    keys = [row.delivery_key for row in Outbox.select()]
    assert f"reminder:pickup:{due.id}" in keys
    assert f"reminder:pickup:{later.id}" not in keys and f"reminder:pickup:{begun.id}" not in keys


def test_cancelled_and_collected_orders_get_no_reminder(shop, staff):
    cancelled, collected = opening_in(shop, 30), opening_in(shop, 30)
    transition_order(cancelled, "cancelled", Actor.system())
    order = collected
    for status in ("confirmed", "processing", "ready", "completed"):
        order = transition_order(order, status, Actor.of_user(staff))

    tick()

    assert reminders() == []


def test_an_order_cancelled_while_its_reminder_waits_for_a_worker_gets_none(shop):
    order = opening_in(shop, 30)
    assert run_automation()["plan_pickup_reminders"] == 1  # planned; the queue is down
    transition_order(order, "cancelled", Actor.of_customer(order.customer))

    sweep_due()  # the queue is back

    assert reminders() == []
    assert Outbox.get(Outbox.delivery_key == f"reminder:pickup:{order.id}").status == Outbox.DONE


def test_the_confirmation_says_when_and_where_to_collect(shop):
    version = make_activity(
        [shop["apples"]], settings={"pickup_point_ids": [shop["gate"].id]}, closes_at=FRIDAY_8PM
    )
    order = order_for(version, [(shop["apples"], 2)], pickup_point=shop["gate"], locale="en")
    chinese = order_for(version, [(shop["apples"], 1)], pickup_point=shop["gate"])

    sweep_due()

    [english] = Delivery.select().where(
        Delivery.notice == "order_received", Delivery.order == order.id
    )
    assert "Pickup point: East gate\n" in english.body
    assert (
        "Pickup time: Sat, Jan 5, 2030, 10:00\u202fAM\u2009–\u200912:00\u202fPM · in "
        in english.body
    )
    [zh] = Delivery.select().where(
        Delivery.notice == "order_received", Delivery.order == chinese.id
    )
    assert "自提点：East gate\n自提时间：2030年1月5日周六 10:00–12:00 · " in zh.body


def test_staff_see_the_window_on_the_board_and_the_orders_page(app, client, login, staff):
    with app.app_context():
        gate = PickupPoint.create(name="East gate", hours=hours((SAT, "10:00", "12:00")))
        apples = make_product(10, name="Apples")
        version = make_activity(
            [apples], settings={"pickup_point_ids": [gate.id]}, closes_at=FRIDAY_8PM
        )
        order = order_for(version, [(apples, 1)], pickup_point=gate)
    login(staff)
    when = "Sat, Jan 5, 2030, 10:00\u202fAM\u2009–\u200912:00\u202fPM · in "
    headers = EN

    board = client.get("/board/?created=all", headers=headers).get_data(as_text=True)
    detail = client.get(f"/board/orders/{order.number}", headers=headers).get_data(as_text=True)

    row = board[board.index(f'id="order-{order.id}"') :]
    assert when in row[: row.index("</tr>")]
    assert when in detail
