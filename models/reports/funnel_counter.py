"""Counting form views and starts cheaply: each process adds them up in memory per activity and
minute, and writes a finished minute in one upsert per activity (FunnelMinute), so a busy form
costs one small write a minute per worker, not one per view. A process that dies loses at most
the minute it was counting; one that exits normally writes what it has (atexit)."""

import atexit
import logging
import threading
from collections import Counter, OrderedDict
from datetime import date, datetime

from peewee import EXCLUDED

from models.base import utcnow
from models.db import db
from models.reports.rollups import FunnelMinute
from models.shop_time import shop_day

log = logging.getLogger(__name__)
SEEN_KEYS = 20_000  # submission keys remembered per process, so a start counts once

_lock = threading.Lock()
_views: Counter = Counter()  # (activity, minute, shop day) -> views
_starts: Counter = Counter()
_seen: OrderedDict = OrderedDict()


def _minute(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


def _now_key(activity: int) -> tuple[int, datetime, date]:
    """The activity, this minute and its shop day (read here: a flush may run outside the app)."""
    minute = _minute(utcnow())
    return activity, minute, shop_day(minute)


def count_view(activity: int) -> None:
    key = _now_key(activity)
    with _lock:
        _views[key] += 1


def count_start(activity: int, key: str) -> None:
    """Someone began filling the form; `key` is the page's submission key, counted once."""
    counted = _now_key(activity)
    with _lock:
        if key in _seen:
            return
        _seen[key] = True
        if len(_seen) > SEEN_KEYS:
            _seen.popitem(last=False)
        _starts[counted] += 1


def flush(everything: bool = False) -> int:
    """Write the finished minutes (all of them with `everything`); return how many rows."""
    current = _minute(utcnow())
    with _lock:
        keys = {k for k in (*_views, *_starts) if everything or k[1] < current}
        rows = [
            dict(
                activity=activity,
                minute=minute,
                day=day,
                views=_views.pop((activity, minute, day), 0),
                starts=_starts.pop((activity, minute, day), 0),
            )
            for activity, minute, day in sorted(keys)
        ]
    if rows:
        try:
            _upsert(rows)
        except Exception:  # the database was away: count them again next time
            with _lock:
                for row in rows:
                    key = (row["activity"], row["minute"], row["day"])
                    _views[key] += row["views"]
                    _starts[key] += row["starts"]
            raise
    return len(rows)


def flush_due() -> None:
    """After a response: write finished minutes, if any (a failure is logged; they are kept)."""
    current = _minute(utcnow())
    with _lock:
        due = any(k[1] < current for k in (*_views, *_starts))
    if due:
        try:
            _connected(flush)
        except Exception:
            log.exception("form views not written yet")


def _connected(write, *args) -> None:
    """`write` on the thread's connection, opened for it (and closed after) when there is none."""
    opened = db.is_closed()
    if opened:
        db.connect()
    try:
        write(*args)
    finally:
        if opened:
            db.close()


def _upsert(rows: list[dict]) -> None:
    with db.atomic():
        FunnelMinute.insert_many(rows).on_conflict(
            conflict_target=[FunnelMinute.activity, FunnelMinute.minute],
            update={
                FunnelMinute.views: FunnelMinute.views + EXCLUDED.views,
                FunnelMinute.starts: FunnelMinute.starts + EXCLUDED.starts,
            },
        ).execute()


@atexit.register
def _write_the_rest() -> None:
    if not (_views or _starts):
        return
    try:
        _connected(flush, True)
    except Exception:  # nothing to tell at exit: the minute is lost
        log.warning("form views of the last minute not written")
