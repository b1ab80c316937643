"""One queue write for a burst of changes, not one per request.

After each request (and each task), `kick()` in tasks/notifications.py hands over the outbox
rows and deliveries it wrote. Queueing a task is a write to the queue (on SQLite, an exclusive
lock on Huey's own file, which the web workers would otherwise take one after another on every
order). Here the rows of every request of this process gather for WAKE_SECONDS, and a thread of
the process queues them as one task: the request never waits on the queue, and a flash sale's
hundreds of orders a second make a few dozen queue writes. When the process dies first, its
gathered rows are done by the sweeper (every minute, or OUTBOX_SWEEP_SECONDS), as when the
queue is down. With Huey in immediate mode (tests) the rows are queued, so done, at once.
"""

import logging
import os
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

WAKE_SECONDS = 0.05

_lock = threading.Lock()
_wake = threading.Event()
_gathered: list = []
_thread: list = []  # [(pid, the thread)] of this process
_enqueue: list = []  # [what queues the rows], as the last `gather` gave it


def gather(rows: list, enqueue: Callable[[list], None]) -> None:
    """Queue `rows` with `enqueue(rows)` soon, together with other requests' rows."""
    with _lock:
        _gathered.extend(rows)
        _enqueue[:] = [enqueue]
        if not (_thread and _thread[0][0] == os.getpid() and _thread[0][1].is_alive()):
            thread = threading.Thread(target=_queue_gathered, daemon=True)
            _thread[:] = [(os.getpid(), thread)]  # after a fork, the parent's thread is gone
            thread.start()
    _wake.set()


def _queue_gathered() -> None:
    while True:
        _wake.wait()
        time.sleep(WAKE_SECONDS)  # let the burst gather
        with _lock:
            rows, enqueue = list(_gathered), _enqueue[0]
            _gathered.clear()
            _wake.clear()
        if rows:
            try:
                enqueue(rows)
            except Exception:  # the queue is down; the changes are committed and safe
                log.exception("could not queue %s rows; the sweeper will pick them up", len(rows))
