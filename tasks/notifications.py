"""Huey tasks that deliver notifications. They take ids and only call domain functions.

After a commit, `kick()` queues one task for the outbox rows and deliveries the change wrote
(the app calls it after every request): one write to the queue, however many rows. A periodic sweeper claims whatever is due anyway: work whose
task was lost (queue down, consumer killed), retries whose pause is over. Claims are
conditional UPDATEs, so tasks, sweepers and several consumers never do the same row twice.
"""

import logging
import os
import socket
import threading
import time

from huey import crontab

from models.automation import aftersales_reminders, close_on_cancel
from models.automation.rules import run_rules
from models.groupbuy import refunds as group_refunds
from models.messaging import outbox
from models.messaging.admin_notices import announce
from models.messaging.deliveries import Delivery, add_deliveries, send_delivery
from models.messaging.notifications import fan_out
from models.messaging.outbox import Outbox, Work
from models.ratings.giving import LOW_RATING
from models.ratings.notices import low_rating_messages
from models.reports import recount
from models.segments import delivering as segment_messages
from models.tiers import admin as tier_admin
from models.tiers.assign import reassign_row
from models.waitlist.notices import offer_messages
from tasks import huey, waking
from tasks.context import collect_kicks, consumer_app, take_kicks, working
from tasks.exports import queue_export
from tasks.product_import import queue_sheet_step
from tasks.webhooks import queue_delivery, sweep_due_webhooks

log = logging.getLogger(__name__)

WORK = {  # outbox kind -> what it does (models/messaging/outbox.py `Work`)
    "notify": Work(prepare=fan_out, write=add_deliveries),
    "rules": Work(write=run_rules),
    "announce": Work(prepare=announce, write=add_deliveries),
    LOW_RATING: Work(prepare=low_rating_messages, write=add_deliveries),  # staff: a low rating
    # staff: an after-sales case left unanswered past AFTERSALES_ANSWER_HOURS
    aftersales_reminders.KIND: Work(
        prepare=aftersales_reminders.overdue_messages, write=add_deliveries
    ),
    "waitlist_offer": Work(prepare=offer_messages, write=add_deliveries),  # units held: an SMS
    "export": Work(prepare=queue_export),  # outside the write: a queue round trip
    "product_import": Work(prepare=queue_sheet_step),  # a big product sheet's check or import
    recount.KIND: Work(write=recount.recount_row),  # recount a bucket of the sales rollups
    # the tiers changed: every customer's tier again, in batches of their own transactions
    tier_admin.KIND: Work(prepare=reassign_row),
    # close a cancelled order's provider orders: outside the write, a gateway round trip
    close_on_cancel.KIND: Work(prepare=close_on_cancel.close_checkouts),
    # one recipient's message to a segment, due at its minute under the rate limit
    segment_messages.NOTICE: Work(prepare=segment_messages.recipient_rows, write=add_deliveries),
    "webhook": Work(prepare=queue_delivery),  # tasks/webhooks.py: queue the signed POST
    # send a refund the group's outcome asked for: outside the write, a gateway round trip
    group_refunds.KIND: Work(prepare=group_refunds.send_planned_refund),
}


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:255]


@huey.task()
def process_written(rows: list) -> None:
    """Do the outbox rows, then send the deliveries, of one change: [[kind, id], ...]."""
    with working():
        worker = worker_name()
        for kind, row_id in sorted(rows, key=lambda row: row[0] != "outbox"):
            if kind == "outbox":
                outbox.run(row_id, worker, WORK)
            else:
                send_delivery(row_id, worker)
        kick()


@huey.periodic_task(crontab(minute="*"))
def sweep() -> None:
    with working():
        sweep_due()


def sweep_due() -> None:
    """Do every due outbox row, then send every due delivery (those just planned included)."""
    worker = worker_name()
    for outbox_id in Outbox.due_ids():
        outbox.run(outbox_id, worker, WORK)
    for delivery_id in Delivery.due_ids():
        send_delivery(delivery_id, worker)


def kick() -> None:
    """Have the rows this context wrote done; call after its transaction committed. They are
    queued with other requests' rows as one task (tasks/waking.py), at once in immediate mode.
    A failed enqueue is only logged: the sweeper does the rows later."""
    rows = [list(row) for row in take_kicks()]
    if not rows:
        return
    if not huey.immediate:
        waking.gather(rows, process_written)
        return
    try:
        process_written(rows)
    except Exception:  # the queue is down; the change itself is committed and safe
        log.exception("could not queue %s rows; the sweeper will pick them up", len(rows))


def init_app(app) -> None:
    app.before_request(collect_kicks)

    @app.after_request
    def kick_after_request(response):
        kick()
        return response


_sweeper_lock = threading.Lock()
_sweeper_started = threading.Event()


@huey.on_startup()
def start_fast_sweeper() -> None:
    """With OUTBOX_SWEEP_SECONDS set, also sweep that often in a thread of this consumer
    process (tests, or shops that want retries sooner than the minute sweep)."""
    seconds = consumer_app().config["OUTBOX_SWEEP_SECONDS"]
    with _sweeper_lock:
        if seconds <= 0 or _sweeper_started.is_set():
            return
        _sweeper_started.set()
    threading.Thread(target=_sweep_every, args=(seconds,), daemon=True).start()


def _sweep_every(seconds: float) -> None:
    while True:
        try:
            with working():
                sweep_due()
                sweep_due_webhooks()
        except Exception:  # keep sweeping; the next round retries
            log.exception("outbox sweep failed")
        time.sleep(seconds)
