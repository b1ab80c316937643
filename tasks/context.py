"""What every task runs in: an app context (the current app in tests, else the consumer's own
app, built from the environment on first use) and an open database connection."""

import threading
from contextlib import contextmanager

from flask import current_app, has_app_context

from models.db import db
from models.messaging.outbox import collect_kicks


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
