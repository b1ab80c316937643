"""The board's counts per status, kept by each worker while no order changes.

Counting a filter's orders per status reads every order it keeps: at 100,000 orders that is
most of a board page's time on PostgreSQL, and the same answer as the last view while nothing
changed. A page takes its `Watch` before reading (models/orders/changes.py); counts read after
that watch are kept under it, and a later page takes them while that watch is unchanged: the
same watch, or (on PostgreSQL, whose watch starts at the oldest transaction running anywhere on
the server, which moves with any work) the poll's one indexed query finding no order written
since. Any order written, committed late or by another server changes that, and the next page
counts again.

Only filters that read nothing but the order's own columns are kept: a search or a tier filter
also reads customers and answers, which change without an order's change number.
"""

import threading
import weakref
from collections import OrderedDict
from dataclasses import replace

from models.board.filters import OrderFilter
from models.db import db
from models.orders.changes import Watch, unchanged

KEPT_FILTERS = 256  # per database, the least recently used forgotten first

_lock = threading.Lock()
_kept: "weakref.WeakKeyDictionary[object, OrderedDict]" = weakref.WeakKeyDictionary()


def _key(order_filter: OrderFilter) -> OrderFilter | None:
    """What the counts depend on, or None when they depend on more than orders."""
    if order_filter.search or order_filter.tier_ids:
        return None
    counted = order_filter.without_statuses()
    return counted if counted.assignee == "mine" else replace(counted, viewer_id=None)


def kept_counts(order_filter: OrderFilter, watch: Watch | None) -> dict[str, int] | None:
    """The counts kept for this filter, if no order changed since they were read; else None."""
    key = _key(order_filter)
    if watch is None or key is None:
        return None
    with _lock:
        kept = _kept.get(db.obj)
        entry = kept.get(key) if kept is not None else None
        if entry is not None:
            kept.move_to_end(key)
    if entry is None or (entry[0] != watch and not unchanged(entry[0])):
        return None
    return dict(entry[1])


def keep_counts(order_filter: OrderFilter, watch: Watch | None, counts: dict[str, int]) -> None:
    """Keep `counts`, read after the page took `watch`, for the next page at the same watch."""
    key = _key(order_filter)
    if watch is None or key is None:
        return
    with _lock:
        kept = _kept.setdefault(db.obj, OrderedDict())
        kept[key] = (watch, dict(counts))
        kept.move_to_end(key)
        while len(kept) > KEPT_FILTERS:
            kept.popitem(last=False)
