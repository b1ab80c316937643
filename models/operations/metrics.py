"""What /metrics reports from the database at each scrape: the same numbers whichever process
or machine answers, so they need no sharing between gunicorn workers."""

from peewee import fn

from models.api.webhooks import WebhookDelivery
from models.messaging.deliveries import Delivery
from models.messaging.outbox import Outbox
from models.orders.order import Order


def orders_placed() -> int:
    return Order.select(fn.COUNT(Order.id)).scalar() or 0


def outbox_backlog() -> dict[str, int]:
    """Rows still queued, per table: work to plan (outbox), messages and webhooks to send."""
    return {
        model._meta.table_name: model.select().where(model.status == model.OPEN).count()
        for model in (Outbox, Delivery, WebhookDelivery)
    }


def delivery_failures() -> dict[str, int]:
    """Messages and webhooks given up on after their last try."""
    return {
        model._meta.table_name: model.select().where(model.status == model.FAILED).count()
        for model in (Delivery, WebhookDelivery)
    }
