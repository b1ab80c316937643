"""Webhooks with the real worker (tests/consumer.py: the Procfile's `huey_consumer`, its queue
on SQLite or on Redis with TEST_REDIS_URL): orders placed on the web, their `order.created`
events sent to a slow receiver on loopback, the consumer killed (SIGKILL) while the receiver
holds a request; the next consumer sends the rest. Every event arrives, in the order written,
one request at a time; the only repeat is the event whose answer the kill lost, with its id."""

import json
import threading
import time

from models.api.webhooks import WebhookDelivery, add_endpoint, verify_signature
from models.orders.order import Order
from tests.consumer import EMAIL_SHOP, place_on_the_web
from tests.fakes import Server
from tests.messaging.test_consumer import wait_until

ORDERS = 6
ANSWER_AFTER = 0.3  # seconds the receiver takes over each request
LEASE = "5"  # OUTBOX_LEASE_SECONDS: a dead worker's claim runs out this soon (a busy machine
# must still answer, write and mark a delivery within it)


class SlowReceiver(Server):
    """Keeps each request's headers and body as it arrives, answers 200 after ANSWER_AFTER
    seconds, and counts how many requests it held at once."""

    def __init__(self):
        self.arrived, self.holding, self.most_at_once = [], 0, 0
        self.lock = threading.Lock()
        super().__init__(self._handle)

    def _handle(self, method, path, headers, body):
        with self.lock:
            self.arrived.append((headers, body))
            self.holding += 1
            self.most_at_once = max(self.most_at_once, self.holding)
        time.sleep(ANSWER_AFTER)
        with self.lock:
            self.holding -= 1
        return 200, {}, b"ok"


def all_delivered() -> bool:
    deliveries = WebhookDelivery.select()
    return deliveries.count() == ORDERS and all(d.status == "done" for d in deliveries)


def test_a_consumer_killed_mid_delivery_loses_no_event_and_keeps_their_order(
    app, client, make_shop, consumer, mailbox
):
    shop = make_shop(**EMAIL_SHOP)
    receiver = SlowReceiver()
    try:
        with app.app_context():
            endpoint = add_endpoint(receiver.url + "/hook", ["order.created"])
            worker = consumer(OUTBOX_LEASE_SECONDS=LEASE)
            for n in range(ORDERS):
                place_on_the_web(client, shop, f"p{n}@example.com")
            # the third event is on the wire: the receiver has it and is about to answer
            wait_until(
                lambda: len(receiver.arrived) >= 3, timeout=60, what="three events", consumer=worker
            )
            worker.kill()
            killed_at = len(receiver.arrived)
            held = json.loads(receiver.arrived[-1][1])["id"]
            assert WebhookDelivery.get(WebhookDelivery.event_id == held).status == "queued"

            fresh = consumer(OUTBOX_LEASE_SECONDS=LEASE)
            wait_until(all_delivered, timeout=60, what="every event", consumer=fresh)
            time.sleep(1.0)  # several sweeps later, nothing more

            written = list(WebhookDelivery.select().order_by(WebhookDelivery.id))
            numbers = [o.number for o in Order.select().order_by(Order.id)]
            retried = WebhookDelivery.get(WebhookDelivery.event_id == held)
            assert retried.attempts == 2 and retried.claimed_by.split(":")[1] == str(fresh.pid)
    finally:
        receiver.close()

    ids = [headers["X-Jielong-Event-Id"] for headers, _ in receiver.arrived]
    bodies = [json.loads(body) for _, body in receiver.arrived]
    assert killed_at == 3 and len(ids) == ORDERS + 1
    first_arrivals = list(dict.fromkeys(ids))
    assert first_arrivals == [d.event_id for d in written]  # all of them, in the order written
    assert (
        [b["data"]["order"]["number"] for b in bodies]
        == [
            numbers[0],
            numbers[1],
            numbers[2],
            numbers[2],  # the repeat: the same event, before any later one
            *numbers[3:],
        ]
    )
    assert ids[2] == ids[3] == held
    assert receiver.most_at_once == 1  # one request at a time to an endpoint
    for (headers, body), payload in zip(receiver.arrived, bodies, strict=True):
        assert verify_signature(endpoint.secret, headers["X-Jielong-Signature"], body)
        assert payload["id"] == headers["X-Jielong-Event-Id"]
        assert payload["type"] == "order.created"
