"""A webhook receiver on loopback, and the sweeper's work done at once, for the webhook tests."""

import threading
import time

from models.api.webhooks import WebhookDelivery, send_delivery
from tests.fakes import Server


class Receiver(Server):
    """Keeps what arrives (headers, body); `answers` are the statuses to give, then 200.
    A `None` answer sleeps past the sender's timeout: the request arrived, its answer is lost."""

    def __init__(self, answers=()):
        self.arrived, self.answers = [], list(answers)
        self.lock = threading.Lock()
        super().__init__(self._handle)

    def _handle(self, method, path, headers, body):
        with self.lock:
            self.arrived.append((headers, body))
            answer = self.answers.pop(0) if self.answers else 200
        if answer is None:
            time.sleep(1.0)
            answer = 200
        return answer, {}, b"ok"


def deliver_all(app, rounds: int = 5):
    """What the sweeper does, made due at once each round (no waiting out the pauses)."""
    with app.app_context():
        for _ in range(rounds):
            for row in WebhookDelivery.select().where(WebhookDelivery.status == "queued"):
                WebhookDelivery.update(available_at=row.created_at).where(
                    WebhookDelivery.id == row.id
                ).execute()
                send_delivery(row.id, "test-worker")
