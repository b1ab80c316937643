"""Sending webhooks (models/api/webhooks.py): a task per delivery, queued by its outbox row once
the change committed, and a sweeper each minute for deliveries whose task was lost or whose
retry pause is over. Claims are leases, so two consumers never send the same try twice."""

import os
import socket
import threading

from huey import crontab

from models.api.webhooks import WebhookDelivery, send_in_order
from tasks import huey
from tasks.context import working


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:255]


@huey.task()
def send_webhook(delivery_id: int) -> None:
    with working():
        send_in_order(delivery_id, worker_name())


def queue_delivery(item) -> object:
    """The outbox row's work (tasks/notifications.py WORK): queue the delivery's task."""
    send_webhook(item.payload["delivery"])
    return item


@huey.periodic_task(crontab(minute="*"))
def sweep_webhooks() -> None:
    with working():
        sweep_due_webhooks()


def sweep_due_webhooks() -> None:
    """Send each endpoint's due deliveries, in order (also run by the fast sweeper)."""
    worker = worker_name()
    for delivery_id in WebhookDelivery.due_ids():
        send_in_order(delivery_id, worker)
