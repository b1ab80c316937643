"""The real thing: the Procfile's `huey_consumer` in its own process, the queue on SQLite (or
Redis when TEST_REDIS_URL is set, as under CI), a real SMTP server on loopback.

An order placed through the web app is emailed exactly once; a consumer killed (SIGKILL)
between claiming a delivery and sending it is restarted and every notification still reaches
the SMTP server exactly once; a rolled-back order change sends nothing.
"""

import os
import shlex
import signal
import subprocess
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

import tasks
from models.automation.rules import save_rule
from models.base import utcnow
from models.db import db
from models.messaging.deliveries import Delivery, InboxMessage
from models.messaging.outbox import collect_kicks
from models.orders.order import Order, OrderEvent
from tasks import make_huey
from tasks.automation import tick
from tasks.notifications import kick
from tests.factories import make_activity, make_product, order_for, stock_of
from tests.helpers import hidden_inputs
from tests.mailbox import Mailbox

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI") == "true"
EN = {"Accept-Language": "en"}
EMAIL_FIELD = {"name": "email", "type": "email", "label": "Email"}


def queue_url(tmp_path) -> str:
    """A Huey storage the test and the consumer share: Redis if TEST_REDIS_URL, else SQLite."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        if IN_CI and os.environ.get("TEST_DATABASE_URL"):
            pytest.fail("CI's PostgreSQL run must also set TEST_REDIS_URL")
        return f"sqlite:///{tmp_path / 'huey.db'}"
    try:
        make_huey(url).storage.conn.ping()
    except Exception as error:
        if IN_CI:
            pytest.fail(f"TEST_REDIS_URL is unreachable under CI: {error}")
        pytest.skip(f"Redis unavailable: {error}")
    return url


@pytest.fixture
def queue(tmp_path):
    """Point this process's Huey at a fresh shared queue (not immediate mode) for the test."""
    url, name = queue_url(tmp_path), f"jielong-test-{uuid.uuid4().hex[:8]}"
    shared = make_huey(url, name=name)
    tasks.huey.immediate = False
    own_storage, tasks.huey.storage = tasks.huey.storage, shared.storage
    yield {"HUEY_URL": url, "HUEY_NAME": name}
    shared.flush()
    tasks.huey.storage = own_storage
    tasks.huey.immediate = True


@pytest.fixture
def mailbox():
    with Mailbox() as box:
        yield box


class Consumer:
    """The Procfile's worker command, started and killed as a real process."""

    def __init__(self, env: dict, log: Path):
        self.env, self.log, self.process = env, log, None

    def start(self, **settings) -> "Consumer":
        line = next(
            line
            for line in (ROOT / "Procfile").read_text().splitlines()
            if line.startswith("worker:")
        )
        command = [*shlex.split(line.partition(":")[2]), "--max-delay", "0.2"]
        env = {**os.environ, **self.env, **{k: str(v) for k, v in settings.items()}}
        with self.log.open("a") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        return self

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
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


@pytest.fixture
def consumer(database_url, queue, mailbox, tmp_path):
    env = {
        **queue,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "consumer-test",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(mailbox.port),
        "MAIL_USE_TLS": "0",
        "MAIL_USE_SSL": "0",
        "MAIL_USERNAME": "",
        "MAIL_FROM": "shop@jielong.test",
        "SMS_LOG_PATH": str(tmp_path / "sms.jsonl"),
        "OUTBOX_SWEEP_SECONDS": "0.3",
        "OUTBOX_LEASE_SECONDS": "3",
        "OUTBOX_RETRY_SECONDS": "1",
        "DELIVERY_TEST_PAUSE_SECONDS": "0",
    }
    started = []

    def start(**settings) -> Consumer:
        started.append(Consumer(env, tmp_path / "consumer.log").start(**settings))
        return started[-1]

    yield start
    for process in started:
        process.stop()


def wait_until(check, timeout: float = 15.0, what: str = "", consumer=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.connection_context():
            if check():
                return
        time.sleep(0.05)
    detail = consumer.output() if consumer else ""
    raise AssertionError(f"timed out waiting for {what}\n{detail}")


@pytest.fixture
def shop(app):
    with app.app_context():
        apples = make_product(50, name="Apples")
        return {"apples": apples, "version": make_activity([apples], extra_fields=[EMAIL_FIELD])}


def order_on_the_web(client, shop, email: str) -> Order:
    slug = shop["version"].template.slug
    html = client.get(f"/f/{slug}", headers=EN).get_data(as_text=True)
    data = {**hidden_inputs(html), "name": "Alice", "phone": "13800138000", "email": email}
    response = client.post(
        f"/f/{slug}", data={**data, f"items-{shop['apples'].id}": "2"}, headers=EN
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return Order.get(Order.tracking_token == response.headers["Location"].rsplit("/", 1)[1])


def email_of(order: Order) -> Delivery | None:
    return Delivery.get_or_none(Delivery.order == order.id, Delivery.channel == "email")


def email_sent(order: Order) -> bool:
    return getattr(email_of(order), "status", None) == "sent"


def test_an_order_placed_on_the_web_reaches_the_customer_once(app, client, shop, consumer, mailbox):
    worker = consumer()

    with app.app_context():
        order = order_on_the_web(client, shop, "alice@example.com")

    [mail] = mailbox.wait_for(1, timeout=15) or pytest.fail(worker.output())
    assert mail["To"] == "alice@example.com"
    assert mail["Subject"] == f"We received your order #{order.number}"
    time.sleep(1.0)  # several sweeps later, still one
    assert len(mailbox.messages) == 1
    with app.app_context():
        delivery = email_of(order)
        assert (delivery.status, delivery.attempts) == ("sent", 1)
        assert delivery.claimed_by.split(":")[1] == str(worker.pid)  # the consumer sent it


def test_a_consumer_killed_mid_delivery_and_restarted_sends_everything_exactly_once(
    app, client, shop, consumer, mailbox
):
    slow = consumer(DELIVERY_TEST_PAUSE_SECONDS=1.5)  # between claiming and sending
    with app.app_context():
        first = order_on_the_web(client, shop, "first@example.com")
        wait_until(lambda: email_sent(first), what="the first email", consumer=slow)
        second = order_on_the_web(client, shop, "second@example.com")
        wait_until(
            lambda: (d := email_of(second)) and d.claimed_by and d.status == "queued",
            what="the second email to be claimed",
            consumer=slow,
        )

        slow.kill()
        assert [m["To"] for m in mailbox.messages] == ["first@example.com"]
        assert email_of(second).status == "queued"

        fresh = consumer()
        wait_until(lambda: email_sent(second), what="the retry", consumer=fresh)
        time.sleep(1.0)  # several sweeps later, nothing more

        assert sorted(m["To"] for m in mailbox.messages) == [
            "first@example.com",
            "second@example.com",
        ]
        assert len({m["Message-ID"] for m in mailbox.messages}) == 2
        retried = email_of(second)
        assert retried.attempts == 2 and retried.claimed_by.split(":")[1] == str(fresh.pid)
        assert Delivery.select().where(Delivery.status != "sent").count() == 0
        in_app = Delivery.select().where(Delivery.channel == "inapp").count()
        assert InboxMessage.select().count() == in_app == 2


def test_a_rolled_back_order_sends_nothing(app, shop, consumer, mailbox):
    worker = consumer()
    version, items = shop["version"], [(shop["apples"], 1)]

    with app.test_request_context():
        collect_kicks()
        try:
            with pytest.raises(RuntimeError), db.atomic():
                order_for(version, items, answers={"email": "carol@example.com"})
                raise RuntimeError("the rest of the change failed")
            order_for(version, items, answers={"email": "bob@example.com"})
        finally:
            kick()  # queues the rolled-back row's id too: the consumer must find nothing

    mailbox.wait_for(1, timeout=15) or pytest.fail(worker.output())
    time.sleep(1.0)
    assert [m["To"] for m in mailbox.messages] == ["bob@example.com"]


def test_rules_confirm_and_assign_a_web_order_and_auto_cancel_frees_stock(
    app, client, shop, consumer, staff, login
):
    version, apples = shop["version"], shop["apples"]
    with app.app_context():
        save_rule(
            None, None, name="Auto-confirm", trigger="order_created", enabled=True,
            conditions=[{"kind": "template", "value": version.template_id}],
            actions=[{"kind": "confirm"}],
        )  # fmt: skip
        save_rule(
            None, None, name="To the shop floor", trigger="order_created", enabled=True,
            conditions=[], actions=[{"kind": "assign_round_robin", "users": [staff.id]}],
        )  # fmt: skip
        patient = make_activity([apples], settings={"auto_cancel_minutes": 30})
    worker = consumer()

    with app.app_context():
        placed = order_on_the_web(client, shop, "alice@example.com")
        wait_until(
            lambda: Order.get_by_id(placed.id).assignee_id == staff.id,
            what="the rules to run",
            consumer=worker,
        )
        assert Order.get_by_id(placed.id).status == "confirmed"

        forgotten = order_for(patient, [(apples, 5)], name="Bob")
        long_ago = utcnow() - timedelta(minutes=31)
        Order.update(created_at=long_ago).where(Order.id == forgotten.id).execute()
        assert stock_of(apples).reserved == 2 + 5
        tick()  # the minute task, queued for the consumer now instead of at the next minute
        wait_until(
            lambda: Order.get_by_id(forgotten.id).status == "cancelled",
            what="the auto-cancel",
            consumer=worker,
        )
        assert stock_of(apples).reserved == 2
        [cancel] = forgotten.events.where(OrderEvent.to_status == "cancelled")
        assert cancel.actor_kind == "system"

    client.set_cookie("locale", "en")
    login(staff)
    timeline = client.get(f"/board/orders/{placed.number}").get_data(as_text=True)
    assert "rule: Auto-confirm" in timeline and "rule: To the shop floor" in timeline
