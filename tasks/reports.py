"""The nightly full recount of the sales rollups (models/reports/recount.py)."""

import logging

from huey import crontab

from models.reports.recount import rebuild
from tasks import huey
from tasks.context import working

log = logging.getLogger(__name__)


@huey.periodic_task(crontab(minute="37", hour="3"))
def rebuild_rollups() -> None:
    with working():
        log.info("recounted %s sales buckets", rebuild())
