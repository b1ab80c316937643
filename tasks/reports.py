"""The nightly full recount of the sales rollups (models/reports/recount.py), then every
customer's tier from them (models/tiers/assign.py)."""

import logging

from huey import crontab

from models.reports.recount import rebuild
from models.tiers.assign import reassign_all
from tasks import huey
from tasks.context import working

log = logging.getLogger(__name__)


@huey.periodic_task(crontab(minute="37", hour="3"))
def rebuild_rollups() -> None:
    with working():
        log.info("recounted %s sales buckets", rebuild())


@huey.periodic_task(crontab(minute="7", hour="4"))
def reassign_tiers() -> None:
    """After the rollups' recount: the window of each tier has moved on a day."""
    with working():
        log.info("%s customers changed tier", reassign_all())
