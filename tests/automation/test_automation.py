"""Time-based automation with Huey in immediate mode: auto-cancel gives stock and places back
as the system, each reminder goes out once, deadlines warn admins, and the daily summary
reaches the admins' mailbox on a real SMTP server (aiosmtpd on loopback)."""

from datetime import datetime, timedelta

import pytest

from models.activities.allotment import ORDERS, taken
from models.activities.template import FormTemplate
from models.automation.timed import run_automation, slot_start
from models.base import utcnow
from models.messaging.deliveries import Delivery
from models.messaging.outbox import Outbox
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order, OrderEvent
from tasks.automation import tick
from tests.factories import make_activity, make_product, order_for, stock_of
from tests.helpers import on_shop_clock
from tests.mailbox import Mailbox


@pytest.fixture
def apples(app_context):
    return make_product(20, price=1500, name="Apples")


def aged(order: Order, minutes: int) -> Order:
    """The order as if placed `minutes` ago."""
    then = utcnow() - timedelta(minutes=minutes)
    Order.update(created_at=then).where(Order.id == order.id).execute()
    return Order.get_by_id(order.id)


def rows(prefix: str) -> list[Outbox]:
    return list(Outbox.select().where(Outbox.delivery_key.startswith(prefix)))


def test_unconfirmed_orders_are_cancelled_by_the_system_with_their_stock_and_places(apples):
    version = make_activity([apples], settings={"auto_cancel_minutes": 30, "order_cap": 5})
    late, early = (
        aged(order_for(version, [(apples, 3)]), 31),
        aged(order_for(version, [(apples, 2)]), 29),
    )
    confirmed = aged(order_for(version, [(apples, 1)]), 90)
    transition_order(confirmed, "confirmed", Actor.system())

    run_automation()

    assert [Order.get_by_id(o.id).status for o in (late, early, confirmed)] == [
        "cancelled",
        "pending",
        "confirmed",
    ]
    assert stock_of(apples).reserved == 3  # the 3 of the cancelled order came back
    assert taken(version.template_id, [ORDERS])[ORDERS] == 2
    [event] = late.events.where(OrderEvent.to_status == "cancelled")
    assert (event.actor_kind, event.note) == ("system", "Not confirmed within 30 minutes.")
    assert Outbox.get(Outbox.delivery_key == f"notify.{event.id}.status_changed")  # customer told

    run_automation()  # nothing left to do
    assert late.events.count() == 2


def test_unpaid_orders_are_cancelled_whatever_their_status(apples):
    settings = {"auto_cancel_minutes": 60, "auto_cancel_unpaid": True}
    version = make_activity([apples], settings=settings)
    unpaid, paid = (aged(order_for(version, [(apples, 1)]), 61) for _ in range(2))
    for order in (unpaid, paid):
        transition_order(order, "confirmed", Actor.system())
    Order.update(payment_status="paid").where(Order.id == paid.id).execute()

    run_automation()

    assert Order.get_by_id(unpaid.id).status == "cancelled"
    assert Order.get_by_id(paid.id).status == "confirmed"
    assert stock_of(apples).reserved == 1


def test_staff_are_reminded_of_a_pending_order_once(apples, staff, admin):
    version = make_activity([apples], settings={"pending_reminder_minutes": 15})
    waiting = aged(order_for(version, [(apples, 1)]), 20)
    fresh = order_for(version, [(apples, 1)])
    ancient = aged(order_for(version, [(apples, 1)]), 3 * 24 * 60)  # too late to remind

    for _ in range(2):
        tick()  # the minute task: plans, then the queue (immediate here) fans out and sends

    [row] = rows("reminder:pending:")
    assert row.delivery_key == f"reminder:pending:{waiting.id}" and row.status == "done"
    sent = Delivery.select().where(
        Delivery.notice == "pending_reminder", Delivery.channel == "inapp"
    )
    assert sorted(d.user_id for d in sent) == sorted([staff.id, admin.id])
    assert "is still waiting for confirmation" in sent[0].subject
    assert not rows(f"reminder:pending:{fresh.id}") and not rows(f"reminder:pending:{ancient.id}")


def test_customers_are_reminded_before_their_time_slot_once(apples):
    now = utcnow()
    slots = [
        {
            "id": "soon",
            "label": "Soon",
            "capacity": 9,
            "starts_at": on_shop_clock(now + timedelta(minutes=45)),
        },
        {
            "id": "later",
            "label": "Later",
            "capacity": 9,
            "starts_at": on_shop_clock(now + timedelta(hours=5)),
        },
    ]
    field = {"name": "slot", "type": "time_slot", "label": "Slot", "slots": slots}
    version = make_activity(
        [apples], extra_fields=[field], settings={"pickup_reminder_minutes": 60}
    )
    soon = order_for(version, [(apples, 1)], answers={"slot": "soon"})
    later = order_for(version, [(apples, 1)], answers={"slot": "later"})

    tick()
    tick()

    assert [r.delivery_key for r in rows("reminder:pickup:")] == [f"reminder:pickup:{soon.id}"]
    [message] = Delivery.select().where(Delivery.notice == "pickup_reminder")
    assert (message.channel, message.order_id) == ("inapp", soon.id)  # no email address given
    assert not rows(f"reminder:pickup:{later.id}")


def test_a_slot_starts_at_its_starts_at_or_at_a_date_and_time_in_its_id(app_context):
    assert slot_start({"id": "a", "starts_at": "2024-06-01T09:30"}) == datetime(2024, 6, 1, 1, 30)
    assert slot_start({"id": "2024-06-01 09:00–11:00"}) == datetime(2024, 6, 1, 1, 0)
    assert slot_start({"id": "sat-am"}) is None


def test_admins_hear_once_that_a_deadline_approaches(apples, admin, staff):
    version = make_activity([apples])
    template = FormTemplate.get_by_id(version.template_id)
    template.closes_at = utcnow() + timedelta(minutes=50)
    template.save()
    order_for(version, [(apples, 1)])
    later = make_activity([apples], title="Later")
    FormTemplate.update(closes_at=utcnow() + timedelta(hours=3)).where(
        FormTemplate.id == later.template_id
    ).execute()

    tick()
    tick()

    [row] = rows("reminder:deadline:")
    assert f":{template.id}:" in row.delivery_key
    sent = Delivery.select().where(Delivery.notice == "deadline_approaching")
    assert {(d.channel, d.user_id) for d in sent} == {("inapp", admin.id), ("email", admin.id)}
    [inapp] = [d for d in sent if d.channel == "inapp"]
    assert inapp.subject.startswith(template.title)
    assert "It has 1 orders so far; 1 of them wait for confirmation." in inapp.body


def test_the_daily_summary_email_reaches_the_admins_once(app, app_context, apples, admin, staff):
    version = make_activity([apples])
    order_for(version, [(apples, 2)])
    cancelled = order_for(version, [(apples, 1)])
    transition_order(cancelled, "cancelled", Actor.system())
    with Mailbox() as mailbox:
        app.config.update(
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=mailbox.port,
            DAILY_SUMMARY_HOUR=0,
            DEFAULT_LOCALE="en",
        )
        tick()
        tick()
        [mail] = mailbox.wait_for(1)
        assert len(mailbox.messages) == 1

    assert mail["To"] == admin.email
    assert mail["Subject"].startswith("Daily summary for ")
    text = mail.get_body(("plain",)).get_content()
    assert "Orders placed: 2 (1 cancelled)" in text
    assert "Revenue: CN¥30.00" in text and "Waiting for confirmation: 1" in text
