"""Backups need databases of their own: a source the app serves and an empty target, SQLite
files or (with TEST_DATABASE_URL) two new PostgreSQL databases beside its own, dropped after;
pg_dump and pg_restore work on whole databases, not the schema the other tests use."""

import os
import threading
import time
import uuid
from contextlib import contextmanager
from types import SimpleNamespace

import psycopg2
import pytest

from app import create_app
from models import db
from tests.factories import order_for

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(not TEST_DATABASE_URL, reason="TEST_DATABASE_URL is not set"),
    ),
]


def make_app(url: str, folder):
    """The app on `url`, its uploads and backups in `folder`."""
    return create_app(
        TESTING=True,
        DATABASE_URL=url,
        SECRET_KEY="test-secret",
        RATELIMIT_STORAGE_URI="memory://",
        DEFAULT_LOCALE="en",
        UPLOAD_FOLDER=str(folder / "uploads"),
        BACKUP_DIR=str(folder / "backups"),
    )


@contextmanager
def _postgres_databases(count: int):
    root, name = TEST_DATABASE_URL.split("?")[0].rsplit("/", 1)
    names = [f"{name}_{uuid.uuid4().hex[:8]}" for _ in range(count)]
    admin = psycopg2.connect(TEST_DATABASE_URL)
    admin.autocommit = True
    try:
        for created in names:
            admin.cursor().execute(f'CREATE DATABASE "{created}"')
        yield [f"{root}/{created}" for created in names]
    finally:
        if db.obj is not None:
            db.obj.close_all() if hasattr(db.obj, "close_all") else db.obj.close()
        for created in names:
            admin.cursor().execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')
        admin.close()


@contextmanager
def _pair(kind: str, tmp_path):
    """Builders of a source app and of a target app (neither migrated), each with its own
    folder. The app binds the one database proxy as it is built: build each when its turn
    comes."""
    if kind == "sqlite":
        urls = [f"sqlite:///{tmp_path / 'source.db'}", f"sqlite:///{tmp_path / 'target.db'}"]
        databases = contextmanager(lambda: (yield urls))()
    else:
        databases = _postgres_databases(2)
    with databases as (source, target):
        (tmp_path / "source").mkdir()
        (tmp_path / "target").mkdir()
        yield SimpleNamespace(
            kind=kind,
            source=lambda: make_app(source, tmp_path / "source"),
            target=lambda: make_app(target, tmp_path / "target"),
        )


@pytest.fixture(params=BACKENDS)
def pair(request, tmp_path):
    with _pair(request.param, tmp_path) as apps:
        yield apps


@pytest.fixture
def sqlite_pair(tmp_path):
    """For what does not depend on the kind of database (reading and checking archives)."""
    with _pair("sqlite", tmp_path) as apps:
        yield apps


@contextmanager
def placing_orders(app, version, product):
    """Orders placed one after another by a thread of their own until the block ends; yields
    the list of their ids, growing."""
    stop, placed = threading.Event(), []

    def place():
        with app.app_context():
            while not stop.is_set():
                placed.append(order_for(version, [(product, 1)]).id)
        db.close()

    thread = threading.Thread(target=place, daemon=True)
    thread.start()
    try:
        yield placed
    finally:
        stop.set()
        thread.join(timeout=30)
        assert not thread.is_alive(), "the ordering thread hung"


def wait_for(condition, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)
