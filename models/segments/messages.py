"""Messages to a segment (or to one customer): written once, one outbox row per recipient.

`send_message` writes the message, its recipients and their outbox rows in one transaction.
The form carries a `send_key` made when the preview was shown; it is unique, so a second
submit of the same form finds the message already there and writes nothing (a double click
sends once). Recipients are the segment's customers who may receive marketing (consent given,
not opted out: models/segments/consent.py); the rest are counted as skipped. Each row's
`available_at` is its minute under the rate limit (models/segments/rate.py); the outbox
worker then renders the recipient's message (models/segments/delivering.py) and the
deliveries go out as any notice does.
"""

import secrets

from flask import current_app
from flask_babel import lazy_gettext as _l
from peewee import (
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    IntegrityError,
    TextField,
)

from models.accounts.user import User
from models.base import BaseModel, utcnow
from models.customers.customer import Customer
from models.db import db
from models.errors import DomainError
from models.messaging.outbox import Outbox, tell_written
from models.segments.consent import reachable
from models.segments.rate import KIND, plan_minutes, plan_one_at_a_time, taken_minutes
from models.segments.segment import Segment

CHANNEL_CHOICES = (("sms", _l("SMS")), ("email", _l("Email")), ("inapp", _l("In-app")))
MAX_TEXT = 500
BATCH = 500


class NobodyToReach(DomainError):
    message = _l(
        "No one here has given marketing consent (or all opted out): there is no one to send to."
    )


class SegmentMessage(BaseModel):
    segment = ForeignKeyField(Segment, null=True, on_delete="SET NULL")
    customer = ForeignKeyField(Customer, null=True, on_delete="SET NULL")  # to one customer
    audience = CharField(max_length=120)  # the segment's name or the customer's, as sent
    channel = CharField(max_length=10)
    text = TextField()
    send_key = CharField(unique=True)  # the form's: a second submit writes nothing
    sent_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    recipients = IntegerField(default=0)
    skipped = IntegerField(default=0)  # in the audience, but without consent or opted out


class SegmentRecipient(BaseModel):
    message = ForeignKeyField(SegmentMessage, backref="recipient_rows", on_delete="CASCADE")
    customer = ForeignKeyField(Customer, on_delete="CASCADE")
    outbox = ForeignKeyField(Outbox, unique=True, on_delete="CASCADE")

    class Meta:
        indexes = ((("message", "customer"), True),)


def new_send_key() -> str:
    return secrets.token_urlsafe(16)


def audience_ids(segment: Segment | None, customer: Customer | None):
    """A query of the ids of the audience: the segment's customers, or the one customer."""
    if segment is not None:
        return segment.members()
    return Customer.select(Customer.id).where(Customer.id == customer.id)


def reach(segment: Segment | None, customer: Customer | None) -> tuple[int, int]:
    """(recipients, skipped): who would receive a message now, and who would not for want of
    marketing consent (or after opting out)."""
    audience = audience_ids(segment, customer)
    everyone = audience.count()
    reached = audience.where(Customer.id.in_(reachable())).count()
    return reached, everyone - reached


def send_message(
    *, segment, customer, channel: str, text: str, send_key: str, user
) -> SegmentMessage:
    """Write the message, one recipient and one outbox row each, in one transaction; the same
    `send_key` again returns the message already written. Raises NobodyToReach."""
    earlier = SegmentMessage.get_or_none(SegmentMessage.send_key == send_key)
    if earlier is not None:
        return earlier
    try:
        with db.atomic():
            return _write(segment, customer, channel, text, send_key, user)
    except IntegrityError:  # the same form submitted twice at once: the other one wrote it
        return SegmentMessage.get(SegmentMessage.send_key == send_key)


def _write(segment, customer, channel, text, send_key, user) -> SegmentMessage:
    audience = audience_ids(segment, customer)
    ids = [row.id for row in audience.where(Customer.id.in_(reachable())).order_by(Customer.id)]
    if not ids:
        raise NobodyToReach()
    message = SegmentMessage.create(
        segment=segment.id if segment else None,
        customer=customer.id if customer else None,
        audience=(segment or customer).name[:120],
        channel=channel,
        text=text,
        send_key=send_key,
        sent_by=user.id,
        recipients=len(ids),
        skipped=audience.count() - len(ids),
    )
    plan_one_at_a_time()
    now = utcnow()
    rate = current_app.config["SEGMENT_MESSAGES_PER_MINUTE"]
    minutes = plan_minutes(len(ids), rate, now, taken_minutes(now))
    for start in range(0, len(ids), BATCH):
        _write_batch(message, ids[start : start + BATCH], minutes[start : start + BATCH], now)
    return message


def _write_batch(message: SegmentMessage, ids: list[int], minutes: list, now) -> None:
    keys = {f"{KIND}.{message.id}.{customer_id}": customer_id for customer_id in ids}
    Outbox.insert_many(
        [
            {
                "kind": KIND,
                "delivery_key": key,
                "payload": {"message": message.id, "customer": customer_id},
                "available_at": due,
            }
            for (key, customer_id), due in zip(keys.items(), minutes, strict=True)
        ]
    ).execute()
    written = Outbox.select(Outbox.id, Outbox.delivery_key, Outbox.available_at).where(
        Outbox.delivery_key.in_(list(keys))
    )
    rows = []
    for item in written:
        rows.append({"message": message.id, "customer": keys[item.delivery_key], "outbox": item.id})
        if item.available_at <= now:
            tell_written("outbox", item.id)  # due now: queued after the commit
    SegmentRecipient.insert_many(rows).execute()
