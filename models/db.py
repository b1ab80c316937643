"""The one database of the app: a proxy bound at startup from DATABASE_URL.

SQLite runs in WAL mode with a busy timeout, and every `db.atomic()` opens
`BEGIN IMMEDIATE`, so two writers queue instead of failing on lock upgrade.
Both go through a connection pool (`sqlite+pool://`, `postgresql+pool://`).
"""

from contextlib import contextmanager
from urllib.parse import urlparse

from peewee import DatabaseProxy
from playhouse.db_url import connect

db = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "normal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "cache_size": -16_000,
}


def open_database(url: str):
    """Build a peewee Database for a URL (sqlite:///path or postgresql://...)."""
    scheme = urlparse(url).scheme
    if scheme == "sqlite":  # pooled: a new connection reads the whole schema again, ~3 ms
        url = url.replace("sqlite://", "sqlite+pool://", 1)
    if scheme.startswith("sqlite"):
        options = {"check_same_thread": False, "max_connections": 32, "stale_timeout": 300}
        return connect(url, pragmas=SQLITE_PRAGMAS, timeout=10, lock_type="IMMEDIATE", **options)
    if scheme in {"postgres", "postgresql"}:
        url = url.replace(f"{scheme}://", "postgresql+pool://", 1)
    if scheme.startswith("postgres"):
        return connect(url, max_connections=32, stale_timeout=300, timeout=10)
    raise ValueError(f"Unsupported DATABASE_URL scheme: {scheme!r}")


def bind_database(url: str):
    """Point the proxy at the database for `url`, closing any previous one."""
    if db.obj is not None:
        db.obj.close_all() if hasattr(db.obj, "close_all") else db.obj.close()
    database = open_database(url)
    db.initialize(database)
    return database


def is_postgres() -> bool:
    return db.obj is not None and "Postgres" in type(db.obj).__name__


def locked(query):
    """`query` reading its rows for a change: locked until commit on PostgreSQL (FOR UPDATE), so
    a concurrent change waits and then reads what this one wrote. SQLite needs no lock: its
    write transactions (BEGIN IMMEDIATE) run one at a time. Call inside a transaction."""
    return query.for_update() if is_postgres() else query


@contextmanager
def one_snapshot():
    """Every read inside sees the database as of one moment, so rows committed meanwhile never
    show up in one query and not in the next: a read transaction (SQLite: BEGIN DEFERRED, which
    takes no write lock; PostgreSQL: REPEATABLE READ). Inside a transaction already, that one
    decides. Not for writes: a change opens its own `db.atomic()`."""
    if db.in_transaction():
        yield
        return
    with db.atomic("REPEATABLE READ" if is_postgres() else "DEFERRED"):
        yield


def init_app(app):
    """Open the database from config and give every request its own connection."""
    bind_database(app.config["DATABASE_URL"])

    @app.before_request
    def _connect():
        db.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not db.is_closed():
            db.close()
