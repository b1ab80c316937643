"""Deliveries: one message to one recipient on one channel, and the staff and customer inbox.

A delivery is sent at least once and, thanks to its `delivery_key`, recognisably the same
message every time. It is marked sent the moment the channel accepted it (an SMTP server's 250
after DATA, before QUIT; an SMS gateway's 2xx), in one short UPDATE of its own row that waits
on no other table, so a worker that dies before the acceptance leaves it to be retried and one
that dies after the mark never sends it again. Only a death between the two sends it twice
(docs/notifications.md measures how often). In-app messages are written in the same
transaction as the mark, so they arrive exactly once.
"""

import logging
import time

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import JOIN, CharField, DateTimeField, ForeignKeyField, TextField

from models.accounts.user import User
from models.base import BaseModel, utcnow
from models.db import db, promptly
from models.errors import DomainError
from models.messaging.channels.email import send_email
from models.messaging.channels.sms import sms_backend
from models.messaging.outbox import Leased, Outbox, tell_written
from models.orders.order import Order

log = logging.getLogger(__name__)

CHANNELS = ("email", "sms", "inapp")
CHANNEL_LABELS = {"email": _l("Email"), "sms": _l("SMS"), "inapp": _l("In-app")}
STATUS_LABELS = {"queued": _l("Queued"), "sent": _l("Sent"), "failed": _l("Failed")}


class Delivery(Leased):
    DONE = "sent"

    outbox = ForeignKeyField(Outbox, backref="deliveries", on_delete="CASCADE")
    notice = CharField()  # models/messaging/notifications.py NOTICES
    audience = CharField()  # customer, staff
    channel = CharField()  # email, sms, inapp
    recipient = CharField()  # email address, E.164 phone, or the name an in-app message is for
    user = ForeignKeyField(User, null=True)
    order = ForeignKeyField(Order, null=True, backref="deliveries", on_delete="CASCADE")
    locale = CharField()
    subject = CharField(max_length=255)
    body = TextField()
    link = TextField(default="")  # the page the message points to
    delivery_key = CharField(unique=True)  # also the email's Message-ID
    sent_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("status", "available_at"), False),)

    def mark_sent(self) -> None:
        """The channel accepted the message: mark it sent now. Call outside a transaction, so
        that the UPDATE is its own transaction (on PostgreSQL it commits even if this worker
        dies once the statement left it) and lands the moment the database lets it.
        `sent_at` is set first: accepted is accepted, even if the UPDATE then fails."""
        self.sent_at = utcnow()
        promptly(lambda: self.finish(sent_at=self.sent_at))


class InboxMessage(BaseModel):
    """An in-app message: a staff member's (`user`), or the order's customer's (no user),
    shown on the tracking page."""

    user = ForeignKeyField(User, null=True, backref="inbox")
    order = ForeignKeyField(Order, null=True, backref="messages", on_delete="CASCADE")
    delivery = ForeignKeyField(Delivery, unique=True, on_delete="CASCADE")
    title = CharField(max_length=255)
    body = TextField()
    link = TextField(default="")  # a path on this site
    created_at = DateTimeField(default=utcnow)
    read_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("user", "read_at"), False), (("order", "created_at"), False))


class NotRetryable(DomainError):
    message = _l("Only a failed delivery can be sent again.")


def add_deliveries(rows: list[dict]) -> None:
    """Write the planned deliveries (a key already there is skipped) and note them for kick;
    the `write` step of the outbox kinds that fan out (tasks/notifications.py `WORK`)."""
    for row in rows:
        delivery_id = Delivery.insert(**row).on_conflict_ignore().execute()
        if delivery_id:
            tell_written("delivery", delivery_id)


def send_delivery(delivery_id: int, worker: str) -> bool:
    """Send the delivery if it is due and no other worker holds it; True when sent now.
    Call outside a transaction: the mark must commit on its own, at once."""
    delivery = Delivery.claim(delivery_id, worker)
    if delivery is None:
        return False
    config = current_app.config
    if delivery.attempts > config["OUTBOX_MAX_ATTEMPTS"]:
        delivery.retry_later(_("Gave up: the worker stopped during the last try."), permanent=True)
        return False
    if config["DELIVERY_TEST_PAUSE_SECONDS"]:
        time.sleep(config["DELIVERY_TEST_PAUSE_SECONDS"])  # lets tests kill a worker right here
    if delivery.channel == "inapp":
        with db.atomic():
            _post_in_app(delivery)
            delivery.finish(sent_at=utcnow())
        return True
    try:
        _hand_over(delivery)
    except Exception as error:  # every failure is kept on the delivery and retried
        if delivery.sent_at is not None:  # accepted, but the mark failed: not a failed try
            log.error("delivery %s accepted but not marked sent: %s", delivery.id, error)
            return True  # its lease runs out and it is sent again, with the same Message-ID
        log.warning("delivery %s (%s) failed: %s", delivery.id, delivery.channel, error)
        reason = getattr(error, "reason", None) or f"{type(error).__name__}: {error}"
        delivery.retry_later(str(reason), permanent=getattr(error, "permanent", False))
        return False
    return True


def _hand_over(delivery: Delivery) -> None:
    """Give the delivery to its channel, which marks it sent the moment it accepted it."""
    if delivery.channel == "email":
        send_email(delivery, on_accepted=delivery.mark_sent)
    else:  # the SMS backend returns as soon as the gateway accepted the message
        sms_backend(current_app).send(delivery.recipient, delivery.body, key=delivery.delivery_key)
        delivery.mark_sent()


def _post_in_app(delivery: Delivery) -> None:
    InboxMessage.insert(
        user=delivery.user_id,
        order=delivery.order_id,
        delivery=delivery.id,
        title=delivery.subject,
        body=delivery.body,
        link=delivery.link,
    ).on_conflict_ignore().execute()


def retry_delivery(delivery: Delivery) -> None:
    """Queue a failed delivery again with a fresh set of tries (the admin's Retry button)."""
    queued = (
        Delivery.update(status=Delivery.OPEN, attempts=0, available_at=utcnow(), locked_until=None)
        .where(Delivery.id == delivery.id, Delivery.status == Delivery.FAILED)
        .execute()
    )
    if queued != 1:
        raise NotRetryable()
    tell_written("delivery", delivery.id)


def delivery_log(status: str | None = None):
    """Newest first, with the order; `status` one of queued, sent, failed (None: all)."""
    query = (
        Delivery.select(Delivery, Order.number)
        .join(Order, on=(Delivery.order == Order.id), join_type=JOIN.LEFT_OUTER)
        .order_by(Delivery.id.desc())
    )
    return query.where(Delivery.status == status) if status else query


def unread_count(user: User) -> int:
    return (
        InboxMessage.select()
        .where(InboxMessage.user == user.id, InboxMessage.read_at.is_null())
        .count()
    )


def inbox_of(user: User, limit: int = 100) -> list[InboxMessage]:
    """The user's newest messages, with their orders."""
    query = (
        InboxMessage.select(InboxMessage, Order.number)
        .join(Order, on=(InboxMessage.order == Order.id), join_type=JOIN.LEFT_OUTER)
        .where(InboxMessage.user == user.id)
        .order_by(InboxMessage.id.desc())
    )
    return list(query.limit(limit))


def mark_read(user: User, up_to: int) -> int:
    """Mark the user's messages up to id `up_to` (what the page showed) read; return how many."""
    return (
        InboxMessage.update(read_at=utcnow())
        .where(
            InboxMessage.user == user.id,
            InboxMessage.read_at.is_null(),
            InboxMessage.id <= up_to,
        )
        .execute()
    )
