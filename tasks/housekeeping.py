"""The nightly task that forgets finished background work (models/messaging/housekeeping.py)."""

import logging

from flask import current_app
from huey import crontab

from models.messaging.housekeeping import prune_finished_work
from tasks import huey
from tasks.context import working

log = logging.getLogger(__name__)


@huey.periodic_task(crontab(minute="17", hour="3"))
def prune() -> None:
    with working():
        removed = prune_finished_work(current_app.config["WORK_LOG_KEEP_DAYS"])
    log.info("pruned finished work: %s", removed)
