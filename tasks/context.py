"""What every task runs in: an app context (the current app in tests, else the consumer's own
app, built from the environment on first use) and an open database connection; and the outbox
rows and deliveries a request or a task writes, noted for tasks/notifications.py `kick()`."""

import threading
from contextlib import contextmanager

from flask import current_app, g, has_app_context

from models.db import db
from models.messaging.outbox import row_written


def collect_kicks() -> None:
    """Start noting the rows this context writes (a request, a task), for `take_kicks`."""
    g.outbox_kicks = []


@row_written.connect
def _note_written(kind: str, row_id: int) -> None:
    if has_app_context() and "outbox_kicks" in g:
        g.outbox_kicks.append((kind, row_id))


def take_kicks() -> list[tuple[str, int]]:
    """The rows noted since `collect_kicks`, forgotten here."""
    return g.pop("outbox_kicks", []) if has_app_context() else []


@contextmanager
def working():
    app = current_app._get_current_object() if has_app_context() else consumer_app()
    with app.app_context():
        collect_kicks()
        opened = db.is_closed()
        if opened:
            db.connect()
        try:
            yield
        finally:
            if opened:
                db.close()


_app_lock = threading.Lock()
_apps = []


def consumer_app():
    """The consumer's one Flask app."""
    with _app_lock:
        if not _apps:
            from app import create_app  # the app imports the tasks; build it lazily

            _apps.append(create_app())
    return _apps[0]
