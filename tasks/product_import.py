"""Huey tasks of the product sheet (models/exports/product_sheet/jobs.py). They take ids.

A big sheet's "product_import" outbox row (its check, or its import once the admin confirms)
is done by queueing `run_sheet_step`, which claims the step, so a step queued twice runs once.
Hourly, `sweep_sheet_uploads` deletes uploads previewed and never imported (and finished ones)
after SHEET_UPLOAD_KEEP_HOURS, fails steps whose worker died and queues lost ones again.
"""

from huey import crontab

from models.exports.product_sheet.jobs import run_step, sweep_uploads
from models.messaging.outbox import Outbox
from tasks import huey
from tasks.context import working


@huey.task()
def run_sheet_step(upload_id: int) -> None:
    with working():
        run_step(upload_id)


def queue_sheet_step(item: Outbox) -> None:
    """The "product_import" outbox work: queue the step (outside any transaction)."""
    run_sheet_step(item.payload["upload"])


@huey.periodic_task(crontab(minute="23"))
@huey.lock_task("sheet-uploads")
def sweep_sheet_uploads() -> None:
    with working():
        lost = sweep_uploads()
    for upload_id in lost:
        run_sheet_step(upload_id)
