"""Telling a waiting customer of their offer: one outbox row written with the hold (none when
the hold is rolled back or the notice is off), turned into one SMS with the hold's end and the
customer's link, the admin's text when they wrote one; sent exactly once through the SMS
gateway even when the consumer is killed between claiming and sending. The hold's length is
the activity's setting. On SQLite and PostgreSQL (+ Redis)."""

import time
from datetime import timedelta

import pytest

from i18n import format_time
from models.db import db
from models.messaging.deliveries import Delivery
from models.messaging.outbox import Outbox
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order
from models.waitlist.entry import WaitlistEntry, join
from tasks.notifications import sweep_due
from tests.factories import make_shop, order_for
from tests.messaging.test_consumer import consumer, mailbox, queue, wait_until  # noqa: F401
from tests.messaging.test_sms import Gateway

PHONE = "13800138001"


def sold_out_shop(settings=None):
    options = {"settings": settings} if settings else {}
    shop = make_shop(products={"eggs": {"on_hand": 2, "name": "Eggs"}}, **options)
    shop["order"] = order_for(shop["version"], [(shop["eggs"], 2)], name="Ann")
    version = shop["version"]
    shop["entry"] = join(
        version.template, version, product_id=shop["eggs"].id, name="Cai", phone=PHONE, quantity=2
    )
    return shop


def cancel(order):
    transition_order(Order.get_by_id(order.id), "cancelled", Actor.system())


def offer_rows():
    return list(Outbox.select().where(Outbox.kind == "waitlist_offer"))


def test_an_offer_is_texted_once_with_its_hold_and_link(app_context):
    shop = sold_out_shop()
    cancel(shop["order"])

    [row] = offer_rows()
    assert row.payload == {"entry": shop["entry"].id}
    sweep_due()
    sweep_due()  # again: nothing more
    [sms] = Delivery.select().where(Delivery.notice == "waitlist_offer")
    entry = WaitlistEntry.get_by_id(shop["entry"].id)
    assert (sms.channel, sms.recipient, sms.status) == ("sms", "+8613800138001", "sent")
    assert f"/w/{entry.token}" in sms.body and "Eggs" in sms.body
    assert format_time(entry.hold_until) in sms.body


def test_a_rolled_back_hold_plans_no_message(app_context):
    shop = sold_out_shop()
    with pytest.raises(RuntimeError), db.atomic():
        cancel(shop["order"])
        raise RuntimeError("the change fails after the hold")
    assert offer_rows() == [] and WaitlistEntry.get_by_id(shop["entry"].id).status == "waiting"


def test_the_notice_can_be_switched_off_or_rewritten(app_context):
    off = {"notifications": {"waitlist_offer": {"enabled": False}}}
    shop = sold_out_shop(off)
    cancel(shop["order"])
    assert offer_rows() == [] and WaitlistEntry.get_by_id(shop["entry"].id).status == "offered"

    text = {"notifications": {"waitlist_offer": {"sms": "{{ product }} until {{ hold_until }}"}}}
    other = sold_out_shop(text)
    cancel(other["order"])
    sweep_due()
    sms = Delivery.get(Delivery.notice == "waitlist_offer")
    hold = WaitlistEntry.get_by_id(other["entry"].id).hold_until
    assert sms.body == f"Eggs until {format_time(hold)}"


def test_an_offer_taken_before_the_worker_came_is_not_texted(app_context):
    shop = sold_out_shop()
    cancel(shop["order"])
    WaitlistEntry.update(status="withdrawn").execute()
    sweep_due()
    assert Delivery.select().where(Delivery.notice == "waitlist_offer").count() == 0


def test_the_hold_lasts_the_activity_s_minutes(app_context):
    shop = sold_out_shop({"waitlist_hold_minutes": 7})
    cancel(shop["order"])
    entry = WaitlistEntry.get_by_id(shop["entry"].id)
    assert entry.hold_until - entry.offered_at == timedelta(minutes=7)


@pytest.fixture
def gateway():
    server = Gateway()
    yield server
    server.close()


def test_a_consumer_killed_before_the_gateway_got_the_sms_sends_it_exactly_once(
    app,
    consumer,  # noqa: F811 (the fixture imported above)
    gateway,
):
    sms = {"SMS_BACKEND": "webhook", "SMS_WEBHOOK_URL": gateway.url}
    slow = consumer(DELIVERY_TEST_PAUSE_SECONDS=1.5, **sms)  # between claiming and sending
    with app.app_context():
        shop = sold_out_shop()
        cancel(shop["order"])

        def claimed():
            found = Delivery.get_or_none(Delivery.notice == "waitlist_offer")
            return found and found.claimed_by and found.status == "queued"

        # a consumer starts slowly on a loaded machine: wait longer than the usual 15 s
        wait_until(claimed, timeout=60, what="the SMS to be claimed", consumer=slow)
        slow.kill()
        assert gateway.requests == []

        fresh = consumer(**sms)
        wait_until(
            lambda: Delivery.get(Delivery.notice == "waitlist_offer").status == "sent",
            timeout=60,
            what="the retry",
            consumer=fresh,
        )
        time.sleep(1.0)  # several sweeps later, nothing more
        [request] = gateway.requests
        assert request["json"]["phone"] == "+8613800138001"
        assert "/w/" in request["json"]["text"]
        assert Delivery.get(Delivery.notice == "waitlist_offer").attempts == 2
