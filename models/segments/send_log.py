"""The send log: each message to a segment or a customer, newest first, with how its
recipients fared, counted from their outbox rows and deliveries: sent (the channel accepted
it: the SMS gateway or the mail server, or posted in-app), failed (the channel refused it, or
every try failed), skipped (opted out meanwhile, or no address on the channel) and waiting."""

from collections import defaultdict
from dataclasses import dataclass

from peewee import JOIN, fn

from models.accounts.user import User
from models.messaging.deliveries import Delivery
from models.messaging.outbox import Outbox
from models.segments.messages import SegmentMessage, SegmentRecipient


@dataclass
class Tally:
    total: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def waiting(self) -> int:
        return self.total - self.sent - self.failed - self.skipped


def _fate(outbox_status: str, delivery_status: str | None) -> str:
    if delivery_status == "sent":
        return "sent"
    if delivery_status == "failed" or outbox_status == "failed":
        return "failed"
    if outbox_status == "done" and delivery_status is None:
        return "skipped"
    return "waiting"


def tallies(message_ids: list[int]) -> dict[int, Tally]:
    """Message id -> its Tally: one grouped query over its recipients."""
    counts = defaultdict(Tally)
    if not message_ids:
        return counts
    query = (
        SegmentRecipient.select(
            SegmentRecipient.message, Outbox.status, Delivery.status, fn.COUNT(SegmentRecipient.id)
        )
        .join(Outbox)
        .join(Delivery, JOIN.LEFT_OUTER, on=(Delivery.outbox == Outbox.id))
        .where(SegmentRecipient.message.in_(message_ids))
        .group_by(SegmentRecipient.message, Outbox.status, Delivery.status)
        .tuples()
    )
    for message_id, outbox_status, delivery_status, count in query:
        tally = counts[message_id]
        tally.total += count
        fate = _fate(outbox_status, delivery_status)
        if fate != "waiting":
            setattr(tally, fate, getattr(tally, fate) + count)
    return counts


def send_log(limit: int = 100) -> list[tuple[SegmentMessage, Tally]]:
    messages = list(
        SegmentMessage.select(SegmentMessage, User.name)
        .join(User, JOIN.LEFT_OUTER)
        .order_by(SegmentMessage.id.desc())
        .limit(limit)
    )
    counts = tallies([message.id for message in messages])
    return [(message, counts[message.id]) for message in messages]
