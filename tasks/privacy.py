"""The retention of customers' personal data: once a day, customers with no order for
CUSTOMER_RETENTION_MONTHS are anonymised (models/privacy/erasure.py); 0, the default, keeps them."""

import logging

from flask import current_app
from huey import crontab

from models.privacy.erasure import anonymise_inactive
from tasks import huey
from tasks.context import working

log = logging.getLogger(__name__)


@huey.periodic_task(crontab(hour="4", minute="17"))
@huey.lock_task("privacy-retention")
def anonymise_inactive_customers() -> int:
    with working():
        months = current_app.config["CUSTOMER_RETENTION_MONTHS"]
        done = anonymise_inactive(months) if months > 0 else 0
    if done:
        log.info("%s inactive customers anonymised (retention %s months)", done, months)
    return done
