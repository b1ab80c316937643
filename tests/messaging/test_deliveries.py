"""Sending deliveries (Huey immediate mode, a real SMTP server on loopback): never twice once
sent, marked sent before the worker says goodbye to the mail server, without waiting on the
order or outbox tables and (PostgreSQL) for good once the mark reached the database, retried
after a worker died or the server was down, failed with the reason after the last try, sent
again from the admin's delivery log; and the staff inbox with its badge."""

import re
import subprocess
import sys
import time

import psycopg2
import pytest

from models.base import utcnow
from models.catalog.products import Product
from models.db import db, is_postgres
from models.messaging.deliveries import Delivery, InboxMessage, send_delivery
from tasks.notifications import sweep_due
from tests.factories import EMAIL_FIELD, order_for
from tests.helpers import ROOT, csrf_token_from, free_port


@pytest.fixture
def version(app_context, make_shop):
    apples = {"on_hand": 50, "name": "Apples"}
    return make_shop(products={"apples": apples}, extra_fields=[EMAIL_FIELD])["version"]


def unsent_order(version, email="alice@example.com"):
    """An order placed outside any request: nothing kicks the queue, the sweeper must."""
    apples = Product.get(Product.name == "Apples")
    return order_for(version, [(apples, 1)], answers={"email": email}, locale="en")


def email_delivery(order) -> Delivery:
    return Delivery.get(Delivery.order == order.id, Delivery.channel == "email")


def test_the_sweeper_delivers_what_no_task_was_queued_for_and_never_twice(
    app_context, mailbox, version
):
    order = unsent_order(version)
    assert Delivery.select().count() == 0

    sweep_due()
    sweep_due()

    assert [m["To"] for m in mailbox.wait_for(1)] == ["alice@example.com"]
    delivery = email_delivery(order)
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert delivery.sent_at is not None
    assert len(mailbox.wait_for(2, timeout=0.3)) == 1


def test_the_delivery_is_marked_sent_before_the_worker_says_goodbye_to_the_mail_server(
    app_context, mailbox, version
):
    order = unsent_order(version)
    seen_at_quit = []

    def look():  # in the mail server's thread, on a connection of its own
        with db.connection_context():
            seen_at_quit.append(email_delivery(order).status)

    mailbox.before_answer["QUIT"] = look
    sweep_due()

    assert seen_at_quit == ["sent"]
    assert len(mailbox.messages) == 1


def test_a_delivery_is_sent_and_marked_while_its_order_and_outbox_tables_are_locked(
    app_context, mailbox, version, database_url
):
    if not is_postgres():
        pytest.skip("table locks: SQLite has one lock for the whole database")
    order = unsent_order(version)
    sweep_due()  # plans and sends; now take the email back to send it under the locks
    mailbox.messages.clear()
    delivery = email_delivery(order)
    Delivery.update(status="queued", sent_at=None).where(Delivery.id == delivery.id).execute()
    other = psycopg2.connect(database_url)
    try:
        other.cursor().execute('LOCK TABLE "order", outbox IN ACCESS EXCLUSIVE MODE')
        started = time.monotonic()

        assert send_delivery(delivery.id, "worker-1")

        assert email_delivery(order).status == "sent"
        assert time.monotonic() - started < 5  # far below the 10 s lock timeout
    finally:
        other.rollback()
        other.close()
    assert [m["To"] for m in mailbox.messages] == ["alice@example.com"]


MARK_IN_A_WORKER = """
import sys
from app import create_app
from models.messaging.deliveries import Delivery
with create_app(DATABASE_URL=sys.argv[1], SECRET_KEY="x").app_context():
    Delivery.get_by_id(int(sys.argv[2])).mark_sent()
"""


def test_a_mark_that_reached_postgresql_commits_though_its_worker_is_killed(
    app_context, mailbox, version, database_url
):
    if not is_postgres():
        pytest.skip("SQLite commits in the worker's own process")
    order = unsent_order(version)
    sweep_due()
    delivery = email_delivery(order)
    Delivery.update(status="queued", sent_at=None).where(Delivery.id == delivery.id).execute()
    assert Delivery.claim(delivery.id, "worker-1") is not None
    holder = psycopg2.connect(database_url)  # keeps the mark waiting at the database
    holder.cursor().execute("SELECT 1 FROM delivery WHERE id = %s FOR UPDATE", [delivery.id])
    worker = subprocess.Popen(
        [sys.executable, "-c", MARK_IN_A_WORKER, database_url, str(delivery.id)], cwd=ROOT
    )
    try:
        wait_for(lambda: waiting_updates(holder) == 1, "the mark to reach the database")
        worker.kill()
        worker.wait(timeout=10)
    finally:
        holder.rollback()
        holder.close()

    wait_for(lambda: email_delivery(order).status == "sent", "the mark to commit")


def waiting_updates(connection) -> int:
    cursor = connection.cursor()
    cursor.execute("SELECT pg_stat_clear_snapshot()")  # a transaction sees one snapshot
    cursor.execute(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE \"delivery\"%%'"
    )
    return cursor.fetchone()[0]


def wait_for(check, what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_worker_that_died_before_sending_is_replaced_once_its_lease_ran_out(
    app, app_context, mailbox, version
):
    app.config["OUTBOX_LEASE_SECONDS"] = 0.3
    order = unsent_order(version)
    sweep_due()  # plans and sends the in-app message; now take the email away from the sweep
    mailbox.messages.clear()
    Delivery.update(status="queued", sent_at=None, attempts=0).where(
        Delivery.channel == "email"
    ).execute()
    assert Delivery.claim(email_delivery(order).id, "worker-that-dies") is not None

    sweep_due()  # the dead worker's lease still holds
    assert mailbox.wait_for(1, timeout=0.2) == []
    time.sleep(0.35)
    sweep_due()

    assert [m["To"] for m in mailbox.wait_for(1)] == ["alice@example.com"]
    delivery = email_delivery(order)
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert InboxMessage.select().where(InboxMessage.order == order.id).count() == 1


def test_a_down_server_is_retried_with_growing_pauses_then_failed_with_the_reason(
    app, app_context, version
):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), OUTBOX_MAX_ATTEMPTS=3)
    order = unsent_order(version)
    pauses = []
    for _ in range(3):
        started = utcnow()
        sweep_due()
        delivery = email_delivery(order)
        pauses.append(round((delivery.available_at - started).total_seconds() / 60))
        Delivery.update(available_at=utcnow()).where(Delivery.id == delivery.id).execute()

    assert pauses[:2] == [1, 2]  # OUTBOX_RETRY_SECONDS=60, doubling
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert "Connection refused" in delivery.last_error


def test_a_refused_address_fails_at_once(app_context, mailbox, version):
    mailbox.refuse.add("nobody@example.com")
    order = unsent_order(version, email="nobody@example.com")

    sweep_due()

    delivery = email_delivery(order)
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert "550" in delivery.last_error and "nobody@example.com" in delivery.last_error


def test_an_admin_sees_failures_with_their_reason_and_sends_one_again(
    app, client, admin, login, mailbox, version
):
    with app.app_context():
        mailbox.refuse.add("alice@example.com")
        order = unsent_order(version)
        sweep_due()
        delivery = email_delivery(order)
    mailbox.refuse.clear()
    login(admin)

    page = client.get("/admin/deliveries?status=failed").get_data(as_text=True)
    assert "alice@example.com" in page and "550" in page and "Retry" in page
    assert "In-app" not in page  # the in-app message was sent: not in the failed filter
    token = csrf_token_from(client, "/admin/deliveries")
    response = client.post(f"/admin/deliveries/{delivery.id}/retry", data={"csrf_token": token})

    assert response.status_code == 303
    assert [m["To"] for m in mailbox.wait_for(1)] == ["alice@example.com"]
    page = client.get("/admin/deliveries?status=sent").get_data(as_text=True)
    assert f"#{order.number}" in page and "alice@example.com" in page
    again = client.post(f"/admin/deliveries/{delivery.id}/retry", data={"csrf_token": token})
    assert again.status_code == 303 and len(mailbox.wait_for(2, timeout=0.3)) == 1


def test_staff_see_an_unread_badge_until_they_mark_their_inbox_read(
    app, client, staff, login, mailbox, version
):
    login(staff)
    with app.app_context():
        first = unsent_order(version)
        sweep_due()

    board = client.get("/board/").get_data(as_text=True)
    assert re.search(r'class="unread-badge">1<', board)
    inbox = client.get("/inbox").get_data(as_text=True)
    assert f"New order #{first.number} from Alice" in inbox
    assert f'href="/board/orders/{first.number}"' in inbox
    up_to = re.search(r'name="up_to" value="(\d+)"', inbox).group(1)
    with app.app_context():
        second = unsent_order(version)  # arrives while the page is open
        sweep_due()

    token = csrf_token_from(client, "/inbox")
    client.post("/inbox/read", data={"csrf_token": token, "up_to": up_to})

    inbox = client.get("/inbox").get_data(as_text=True)
    assert re.search(r'class="unread-badge">1<', inbox)  # only the second one
    mine = InboxMessage.select().where(InboxMessage.user == staff.id).order_by(InboxMessage.id)
    assert [(m.title, m.read_at is None) for m in mine] == [
        (f"New order #{first.number} from Alice", False),
        (f"New order #{second.number} from Alice", True),
    ]
