"""The minute task of time-based automation (models/automation/timed.py): auto-cancel, reminders,
deadlines, the daily summary and schedule rules. Its steps are idempotent; a lock keeps two
consumers (or a slow minute and the next) from running it at once.
"""

from huey import crontab

from models.automation.timed import run_automation
from tasks import huey
from tasks.context import working
from tasks.notifications import kick


@huey.periodic_task(crontab(minute="*"))
@huey.lock_task("automation")
def tick() -> None:
    with working():
        run_automation()
        kick()  # the outbox rows and deliveries it planned
