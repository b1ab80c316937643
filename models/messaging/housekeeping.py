"""Forgetting finished background work, so the outbox and the delivery log stay small.

Kept: anything not finished, every customer's in-app message (the tracking page shows them for
as long as the order exists), and everything younger than `keep_days`. Removed after that:
sent or failed email and SMS deliveries, staff in-app messages already read, and outbox rows
left with no delivery. An outbox row is only removed once it is done or failed, so no work is
lost and no message is sent again (a done row is never run twice).
"""

from datetime import timedelta

from peewee import fn

from models.base import utcnow
from models.db import db
from models.messaging.deliveries import Delivery, InboxMessage
from models.messaging.outbox import Outbox


def prune_finished_work(keep_days: int) -> dict[str, int]:
    """Delete what is finished and older than `keep_days`; returns how many rows of each."""
    cutoff = utcnow() - timedelta(days=keep_days)
    finished = (Delivery.status != Delivery.OPEN) & (Delivery.created_at < cutoff)
    read_staff_messages = InboxMessage.select(InboxMessage.delivery).where(
        InboxMessage.user.is_null(False),
        InboxMessage.read_at < cutoff,
    )
    with db.atomic():
        deliveries = (
            Delivery.delete()
            .where(
                finished & ((Delivery.channel != "inapp") | Delivery.id.in_(read_staff_messages))
            )
            .execute()
        )
        has_delivery = Delivery.select(Delivery.id).where(Delivery.outbox == Outbox.id)
        outbox = (
            Outbox.delete()
            .where(
                Outbox.status != Outbox.OPEN,
                Outbox.created_at < cutoff,
                ~fn.EXISTS(has_delivery),
            )
            .execute()
        )
    return {"deliveries": deliveries, "outbox": outbox}
