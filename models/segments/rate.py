"""The pace of marketing messages: at most `SEGMENT_MESSAGES_PER_MINUTE` (config) outbox rows
of messages to a segment become due in any one minute, however many sends are queued. A send
gives each recipient's row its minute when it is written (`plan_minutes`): the scheduler's
decision is the row's `available_at`, so the consumer needs no clock of its own, and a test
reads the decision instead of timing the sending.
"""

from datetime import datetime, timedelta

from models.db import db, is_postgres
from models.messaging.outbox import Outbox

KIND = "segment_message"
PLAN_LOCK = 0x7365676D  # "segm": the PostgreSQL advisory lock of planning minutes


def minute_of(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def plan_minutes(count: int, per_minute: int, now: datetime, taken: dict) -> list[datetime]:
    """The minute each of `count` new rows becomes due: the earliest minutes from now's on
    with room left, given `taken` (minute -> rows already due then). At most `per_minute` in
    any minute; the first goes out now when the current minute has room."""
    per_minute = max(1, per_minute)
    minute, planned, used = minute_of(now), [], dict(taken)
    while len(planned) < count:
        room = per_minute - used.get(minute, 0)
        if room > 0:
            take = min(room, count - len(planned))
            planned.extend([max(minute, now)] * take)
            used[minute] = used.get(minute, 0) + take
        minute += timedelta(minutes=1)
    return planned


def taken_minutes(now: datetime) -> dict:
    """Minute -> rows of messages to a segment already due in it, from now's minute on."""
    rows = (
        Outbox.select(Outbox.available_at)
        .where(Outbox.kind == KIND, Outbox.available_at >= minute_of(now))
        .tuples()
    )
    taken: dict = {}
    for (due,) in rows:
        taken[minute_of(due)] = taken.get(minute_of(due), 0) + 1
    return taken


def plan_one_at_a_time() -> None:
    """Sends plan their minutes one at a time, so two at once never fill one minute twice:
    on PostgreSQL a transaction-scoped advisory lock; SQLite's write transactions (BEGIN
    IMMEDIATE) already run one at a time. Call inside the send's transaction."""
    if is_postgres():
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (PLAN_LOCK,))
