"""Huey tasks that build spreadsheet exports (models/exports/jobs.py). They take ids.

A new job's "export" outbox row is done by queueing its build task (`queue_export`): the build
runs for minutes, outside the outbox row's transaction, and reports its progress as it goes.

While another export runs, a task tries again a little later; its job waits as "queued".
"""

from huey import crontab
from huey.exceptions import RetryTask

from models.exports.jobs import ExportBusy, run_export, sweep_exports
from models.messaging.outbox import Outbox
from tasks import huey
from tasks.context import working

BUSY_RETRY_SECONDS = 10


@huey.task()
def build_export(job_id: int) -> None:
    with working():
        try:
            run_export(job_id)
        except ExportBusy:
            raise RetryTask(delay=BUSY_RETRY_SECONDS) from None


def queue_export(item: Outbox) -> None:
    """The "export" outbox work: queue the job's build (outside any transaction); a failed
    enqueue retries the row, and a build queued twice runs once (`run_export` claims the job)."""
    build_export(item.payload["job"])


@huey.periodic_task(crontab(minute="*/10"))
def sweep() -> None:
    """Takes no lock: it is quick, and two at once would only repeat idempotent steps."""
    with working():
        lost = sweep_exports()
    for job_id in lost:
        build_export(job_id)
