"""The real consumer process (tests/consumer.py): a message to a segment sent while the
consumer is killed (SIGKILL) between claiming a recipient's delivery and handing it to the
SMS gateway still reaches every recipient exactly once after a fresh consumer starts."""

import json
import time

from models.customers.customer import Customer
from models.messaging.deliveries import Delivery
from models.messaging.outbox import Outbox
from models.segments.consent import set_consent
from models.segments.messages import send_message
from models.segments.segment import save_segment
from tests.factories import order_for
from tests.messaging.test_consumer import wait_until

PHONES = ("13800000011", "13800000012", "13800000013")


def texts_sent(tmp_path) -> list[dict]:
    path = tmp_path / "sms.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def segment_sms():
    return Delivery.select().where(Delivery.notice == "segment_message")


def test_a_consumer_killed_midway_through_a_send_texts_everyone_exactly_once(
    app,
    shop,
    staff,
    consumer,
    tmp_path,
):
    with app.app_context():
        for number, phone in enumerate(PHONES):
            order = order_for(
                shop["version"], [(shop["apples"], 1)], name=f"C{number}", phone=phone
            )
            set_consent(order.customer_id, True)
        segment = save_segment(None, "All", {"consent": "y"}, staff)
    first = consumer()  # the order notices first, so that the message's turn comes soon
    with app.app_context():
        wait_until(
            lambda: (
                not Outbox.select()
                .where(Outbox.status == "queued", Outbox.kind == "notify")
                .exists()
            ),
            timeout=60,
            what="the order notices",
            consumer=first,
        )
    first.stop()
    slow = consumer(DELIVERY_TEST_PAUSE_SECONDS=1.5)  # between claiming and sending
    with app.app_context():
        send_message(
            segment=segment,
            customer=None,
            channel="sms",
            text="到货了",
            send_key="kill-1",
            user=staff,
        )
        wait_until(
            lambda: segment_sms().where(Delivery.claimed_by != "").exists(),
            timeout=60,
            what="a delivery to be claimed",
            consumer=slow,
        )
        slow.kill()
        assert segment_sms().where(Delivery.status == "queued").exists()  # killed midway
        fresh = consumer()
        wait_until(
            lambda: segment_sms().where(Delivery.status == "sent").count() == len(PHONES),
            timeout=60,
            what="every text sent",
            consumer=fresh,
        )
        time.sleep(1.0)  # several sweeps later, nothing more
        phones = sorted(r["phone"] for r in texts_sent(tmp_path) if r["text"].startswith("到货了"))
        expected = sorted(Customer.get(Customer.name == f"C{n}").phone for n in range(len(PHONES)))
    assert phones == expected  # each exactly once
