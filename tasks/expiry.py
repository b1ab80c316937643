"""The hourly near-expiry sweep: staff are told once per batch that comes within
BATCH_NEAR_EXPIRY_DAYS of its expiry (models/messaging/stock_notices.py). Idempotent (each
batch is claimed by an UPDATE that matches once); a lock keeps two consumers apart."""

from huey import crontab

from models.messaging.stock_notices import plan_expiry_notices
from tasks import huey
from tasks.context import working
from tasks.notifications import kick


@huey.periodic_task(crontab(minute="7"))
@huey.lock_task("batch-expiry")
def sweep_expiring_batches() -> None:
    with working():
        if plan_expiry_notices():
            kick()  # the announce rows it planned
