"""Forgetting finished background work: old sent email and read staff messages go, the
customer's messages and anything unfinished or recent stay, and nothing is sent again."""

from datetime import timedelta

from models.base import utcnow
from models.catalog.products import Product
from models.messaging.deliveries import Delivery, InboxMessage
from models.messaging.housekeeping import prune_finished_work
from models.messaging.outbox import Outbox
from tasks.notifications import sweep_due
from tests.factories import EMAIL_FIELD, make_activity, make_product, order_for


def delivered_order(version, email):
    apples = Product.get(Product.name == "Apples")
    order = order_for(version, [(apples, 1)], answers={"email": email}, locale="en")
    sweep_due()
    return order


def age(order, days):
    """Pretend the order's background work happened `days` ago."""
    then = utcnow() - timedelta(days=days)
    outbox_ids = Delivery.select(Delivery.outbox).where(Delivery.order == order.id)
    Delivery.update(created_at=then).where(Delivery.order == order.id).execute()
    Outbox.update(created_at=then).where(Outbox.id.in_(outbox_ids)).execute()
    InboxMessage.update(read_at=then).where(
        InboxMessage.order == order.id, InboxMessage.user.is_null(False)
    ).execute()


def test_old_finished_work_is_forgotten_but_customer_messages_and_recent_work_stay(
    app_context, staff, mailbox
):
    version = make_activity([make_product(50, name="Apples")], extra_fields=[EMAIL_FIELD])
    old = delivered_order(version, "old@example.com")
    recent = delivered_order(version, "new@example.com")
    mailbox.wait_for(2)
    age(old, days=100)
    age(recent, days=10)
    old_outbox = {d.outbox_id for d in Delivery.select().where(Delivery.order == old.id)}

    removed = prune_finished_work(keep_days=90)

    left = {(d.order_id, d.channel, d.audience) for d in Delivery.select()}
    assert (old.id, "email", "customer") not in left
    assert (old.id, "inapp", "staff") not in left  # read 100 days ago
    assert (old.id, "inapp", "customer") in left  # the tracking page still shows it
    assert {(recent.id, "email", "customer"), (recent.id, "inapp", "staff")} <= left
    assert [m.title for m in old.messages] and not InboxMessage.select().where(
        InboxMessage.order == old.id, InboxMessage.user.is_null(False)
    ).exists()
    staff_outbox = old_outbox - {d.outbox_id for d in Delivery.select()}
    assert staff_outbox and not Outbox.select().where(Outbox.id.in_(staff_outbox)).exists()
    assert removed["deliveries"] == 2 and removed["outbox"] == len(staff_outbox)

    sweep_due()
    assert len(mailbox.wait_for(3, timeout=0.3)) == 2  # nothing was sent again


def test_unfinished_work_is_kept_however_old(app_context, staff, app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)  # nothing listens: sending fails
    version = make_activity([make_product(50, name="Apples")], extra_fields=[EMAIL_FIELD])
    order = delivered_order(version, "alice@example.com")
    age(order, days=400)
    queued = Delivery.select().where(Delivery.status == Delivery.OPEN).count()
    assert queued  # waiting for its next try

    prune_finished_work(keep_days=90)

    assert Delivery.select().where(Delivery.status == Delivery.OPEN).count() == queued
