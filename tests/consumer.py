"""The Procfile's worker (`huey_consumer`) as a real process, started and killed with SIGKILL,
a shop whose order form asks for an email, and the kill storm that tests/messaging/test_consumer.py and
bench/duplicates.py run: orders placed on the web at a steady rate while consumer after consumer
is killed at a random moment of its work.
"""

import os
import random
import shlex
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from models.db import db
from models.messaging.deliveries import Delivery
from models.messaging.outbox import Outbox
from tests.factories import EMAIL_FIELD
from tests.helpers import hidden_inputs

ROOT = Path(__file__).resolve().parent.parent
# make_shop's options: apples (plenty) on a published form that asks for the customer's email
EMAIL_SHOP = {
    "products": {"apples": {"on_hand": 10_000, "name": "Apples"}},
    "extra_fields": [EMAIL_FIELD],
}


def consumer_env(database_url: str, queue: dict, mail_port: int, folder: Path) -> dict:
    """The environment of a consumer on this database and queue (HUEY_URL, HUEY_NAME) that
    emails through the SMTP server on `mail_port`, sweeps often and retries soon."""
    return {
        **queue,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "consumer-test",
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(mail_port),
        "MAIL_USE_TLS": "0",
        "MAIL_USE_SSL": "0",
        "MAIL_USERNAME": "",
        "MAIL_FROM": "shop@jielong.test",
        "SMS_LOG_PATH": str(folder / "sms.jsonl"),
        "OUTBOX_SWEEP_SECONDS": "0.3",
        "OUTBOX_LEASE_SECONDS": "3",
        "OUTBOX_RETRY_SECONDS": "1",
        "DELIVERY_TEST_PAUSE_SECONDS": "0",
    }


def place_on_the_web(client, shop: dict, email: str, language: str = "en") -> str:
    """Order two apples on the form as a customer would; the order's tracking token."""
    slug, headers = shop["version"].template.slug, {"Accept-Language": language}
    html = client.get(f"/f/{slug}", headers=headers).get_data(as_text=True)
    data = {**hidden_inputs(html), "name": "Alice", "phone": "13800138000", "email": email}
    response = client.post(
        f"/f/{slug}", data={**data, f"items-{shop['apples'].id}": "2"}, headers=headers
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[1]


class Consumer:
    """The Procfile's worker command, started and killed as a real process."""

    def __init__(self, env: dict, log: Path):
        self.env, self.log, self.process = env, log, None
        self.started_at = self.killed_at = None  # time.monotonic()

    def start(self, **settings) -> "Consumer":
        line = next(
            line
            for line in (ROOT / "Procfile").read_text().splitlines()
            if line.startswith("worker:")
        )
        command = [*shlex.split(line.partition(":")[2]), "--max-delay", "0.2"]
        env = {**os.environ, **self.env, **{k: str(v) for k, v in settings.items()}}
        self.started_at = time.monotonic()
        with self.log.open("a") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        return self

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        self.killed_at = time.monotonic()
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


STARTUP = 0.3  # seconds a new consumer surely sends nothing in (it takes about one to start)


@dataclass
class Tally:
    """What a kill storm did, from the orders placed, the consumers and the mail server's side."""

    placed: list[str]  # the customers' addresses, one order each
    lives: list[tuple[float, float | None]]  # each consumer's start and kill (None: the last)
    accepted: list  # (message, time.monotonic() its 250 was written), copies included

    @property
    def kills(self) -> int:
        return sum(killed is not None for _, killed in self.lives)

    @property
    def lost(self) -> int:
        """Orders whose customer never got the email."""
        return len(set(self.placed) - {message["To"] for message, _ in self.accepted})

    @property
    def duplicates(self) -> int:
        """Copies beyond the first of a message (same Message-ID)."""
        return len(self._gaps())

    @property
    def killed_before_the_answer(self) -> list[float]:
        """Copies whose first sender was killed after the server had the whole message but
        before it answered 250: no client can tell that the message arrived (SMTP's own
        window, RFC 1047). Seconds from the kill to the answer, each."""
        return [gap for gap in self._gaps() if gap >= 0]

    @property
    def killed_after_the_answer(self) -> list[float]:
        """Copies whose first sender was killed after the server's 250 but before it marked
        the delivery sent (the worker's own window), or never killed. Seconds from the answer
        to the kill (infinite: never killed)."""
        return [-gap for gap in self._gaps() if gap < 0]

    def _gaps(self) -> list[float]:
        """For each copy beyond the first: the first copy's 250 minus the kill of its sender,
        the consumer started last before it (they run one at a time)."""
        first, gaps = {}, []
        for message, answered in self.accepted:
            key = message["Message-ID"]
            if key not in first:
                first[key] = answered
                continue
            _, killed = max(life for life in self.lives if life[0] < first[key] - STARTUP)
            gaps.append(first[key] - killed if killed is not None else -float("inf"))
        return gaps


def kill_storm(
    start_consumer, place_order, mailbox, *, kills: int, rate: float, seed: int
) -> Tally:
    """Place an order every 1/`rate` s (`place_order(address)`) while `kills` consumers are
    started, each killed (SIGKILL) at a random moment within 0.5 s after it handed its first
    email to `mailbox`; then a last consumer sends what is left."""
    rng, placed, lives, failed, stop = random.Random(seed), [], [], [], threading.Event()

    def place() -> None:
        while not stop.is_set():
            address = f"customer{len(placed)}@example.com"
            try:
                place_order(address)
            except Exception as error:  # reported by the storm, not lost in this thread
                failed.append(error)
                return
            placed.append(address)
            stop.wait(1 / rate)

    placer = threading.Thread(target=place, daemon=True)
    placer.start()
    try:
        for _ in range(kills):
            consumer = _started_and_sending(start_consumer, mailbox, failed)
            time.sleep(rng.uniform(0, 0.5))
            consumer.kill()
            lives.append((consumer.started_at, consumer.killed_at))
    finally:
        stop.set()
        placer.join(timeout=30)
    if failed:
        raise failed[0]
    last = start_consumer()
    lives.append((last.started_at, None))
    _wait(lambda: settled(len(placed)), last, "did not send everything", timeout=120)
    return Tally(placed, lives, mailbox.accepted())


def _started_and_sending(start_consumer, mailbox, failed: list) -> Consumer:
    """A new consumer, once it handed its first email to the mail server."""
    sent = len(mailbox.messages)
    consumer = start_consumer()
    _wait(lambda: len(mailbox.messages) > sent or failed, consumer, "sent nothing")
    return consumer


def settled(orders: int) -> bool:
    """Every order's email planned and nothing left to send: no copy can still come."""
    with db.connection_context():
        planned = Delivery.select().where(Delivery.channel == "email").count()
        # the sales rollups' recount waits for its minute to settle: not a message
        open_rows = Outbox.select().where(Outbox.status == Outbox.OPEN, Outbox.kind != "sales")
        waiting = open_rows.count()
        waiting += Delivery.select().where(Delivery.status == Delivery.OPEN).count()
    return planned == orders and waiting == 0


def _wait(check, consumer: Consumer, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"the consumer {what}\n{consumer.output()}")
        time.sleep(0.02)
