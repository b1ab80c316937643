"""The nightly backup (models/operations/nightly.py): tried each hour, it backs up in the
BACKUP_HOUR of the shop's day; a lock keeps a slow backup and another from running at once."""

import logging

from huey import crontab

from models.operations.nightly import nightly_backup
from tasks import huey
from tasks.context import working

log = logging.getLogger(__name__)


@huey.periodic_task(crontab(minute="7"))
@huey.lock_task("backup")
def back_up_nightly() -> None:
    with working():
        archive, removed = nightly_backup()
    if archive:
        log.info("backup %s written; %s old archives removed", archive, len(removed))
