"""The minute sweep of the waiting lists (models/waitlist/offers.py): holds that ran out are
given back and their units offered to the next in line. Idempotent (each hold expires once,
by a conditional UPDATE), so two sweeps at once are harmless; a lock keeps them apart anyway."""

from huey import crontab

from models.waitlist.offers import expire_due
from tasks import huey
from tasks.context import working
from tasks.notifications import kick


@huey.periodic_task(crontab(minute="*"))
@huey.lock_task("waitlist")
def expire_holds() -> None:
    with working():
        expire_due()
        kick()
