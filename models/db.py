"""The one database of the app: a proxy bound at startup from DATABASE_URL.

SQLite runs in WAL mode with a busy timeout, and every `db.atomic()` opens
`BEGIN IMMEDIATE`, so two writers queue instead of failing on lock upgrade.
Both go through a connection pool (`sqlite+pool://`, `postgresql+pool://`).

No request waits on the database for ever (docs/security.md, "Timeouts"): PostgreSQL
connections start with a `lock_timeout` and a `statement_timeout`, SQLite's with a busy
timeout; when one runs out the statement fails and `is_busy` tells the error apart, which
the app answers with 503 and Retry-After.
"""

import time
from contextlib import contextmanager
from urllib.parse import urlparse

from peewee import DatabaseProxy, OperationalError
from playhouse.db_url import parse, parseresult_to_dict
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase
from psycopg2.extensions import TRANSACTION_STATUS_IDLE

db = DatabaseProxy()

# Defaults of DB_LOCK_TIMEOUT_MS, DB_STATEMENT_TIMEOUT_MS and DB_BUSY_TIMEOUT_MS (config.py).
LOCK_TIMEOUT_MS = 10_000
STATEMENT_TIMEOUT_MS = 25_000  # below gunicorn's 30 s, which would kill the worker
BUSY_TIMEOUT_MS = 10_000

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "normal",
    "foreign_keys": 1,
    "cache_size": -16_000,
}
# PostgreSQL's error codes for a statement stopped by lock_timeout and by statement_timeout.
PG_TIMEOUTS = {"55P03", "57014"}
SQLITE_BUSY, SQLITE_LOCKED = 5, 6
# a write that found SQLite busy tries again after 0.2 ms, then twice as long each time up to 1 ms:
# soon after the lock is free, without taking the lock holder's core from it while it waits
PROMPT_RETRY_SECONDS, PROMPT_RETRY_MAX_SECONDS = 0.0002, 0.001


def open_database(
    url: str,
    *,
    lock_timeout_ms: int = LOCK_TIMEOUT_MS,
    statement_timeout_ms: int = STATEMENT_TIMEOUT_MS,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
):
    """Build a peewee Database for a URL (sqlite:///path or postgresql://...)."""
    scheme = urlparse(url).scheme
    if scheme == "sqlite":  # pooled: a new connection reads the whole schema again, ~3 ms
        url = url.replace("sqlite://", "sqlite+pool://", 1)
    if scheme.startswith("sqlite"):
        return PromptSqliteDatabase(
            **parseresult_to_dict(urlparse(url)),
            check_same_thread=False,
            max_connections=32,
            stale_timeout=300,
            pragmas=SQLITE_PRAGMAS | {"busy_timeout": busy_timeout_ms},
            timeout=busy_timeout_ms / 1000,
            lock_type="IMMEDIATE",
        )
    if scheme in {"postgres", "postgresql"}:
        url = url.replace(f"{scheme}://", "postgresql+pool://", 1)
    if scheme.startswith("postgres"):
        # Set as the connection starts (libpq `options`): no extra round trip per request.
        timeouts = f"-c lock_timeout={lock_timeout_ms} -c statement_timeout={statement_timeout_ms}"
        options = f"{parse(url).get('options', '')} {timeouts}".strip()
        return QuickPooledPostgresDatabase(
            **{**parse(url), "options": options},
            max_connections=32,
            stale_timeout=300,
            timeout=10,
        )
    raise ValueError(f"Unsupported DATABASE_URL scheme: {scheme!r}")


def is_busy(error: Exception) -> bool:
    """Whether `error` is a statement given up on after waiting too long: a lock held
    elsewhere (SQLite's busy timeout, PostgreSQL's lock_timeout) or PostgreSQL's
    statement_timeout. Worth trying again in a moment, unlike other database errors."""
    if not isinstance(error, OperationalError):
        return False
    cause = getattr(error, "orig", error)  # the driver's exception, which peewee wraps
    if getattr(cause, "pgcode", None) in PG_TIMEOUTS:
        return True
    return getattr(cause, "sqlite_errorcode", None) in (SQLITE_BUSY, SQLITE_LOCKED)


def promptly(write):
    """Run `write()`, one statement outside a transaction, the moment the database lets it, and
    return what it returns. PostgreSQL wakes a statement waiting on a lock as soon as the lock
    is free, so there it just runs. SQLite's busy handler sleeps 1, 2, 5, 10, 15, 20, 25… ms
    between its tries, so a write that found the lock taken may sleep on long after it was
    free: here SQLite answers at once and the write is tried again after 0.2 ms, then up to every
    1 ms, for at most the connection's busy timeout (then the error is busy, as usual)."""
    if is_postgres():
        return write()
    return _without_busy_sleeps(db.connection(), write)


class PromptSqliteDatabase(PooledSqliteDatabase):
    """SQLite whose write transactions begin (BEGIN IMMEDIATE) the moment the write lock is free,
    like `promptly`: under a burst of orders, SQLite's own sleeps of up to 100 ms left the lock
    idle while writers slept, which made the slowest submits' waits."""

    def begin(self, lock_type=None):
        parent = super().begin
        _without_busy_sleeps(self.connection(), lambda: parent(lock_type))


class QuickPooledPostgresDatabase(PooledPostgresqlDatabase):
    """PostgreSQL through a pool that hands out a connection back in the pool for under
    FRESH_SECONDS without the `SELECT 1` round trip peewee's pool makes to check it is alive:
    in a flash sale every request finds one used a moment ago. A connection idle longer (the
    server may have restarted meanwhile) is checked as before."""

    FRESH_SECONDS = 1.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._returned: dict[int, float] = {}  # id(connection): when it came back to the pool

    def _close(self, conn, close_conn=False):
        self._returned[id(conn)] = time.monotonic()
        super()._close(conn, close_conn)

    def _close_raw(self, conn):
        self._returned.pop(id(conn), None)  # closed for good (stale, broken, close_all)
        super()._close_raw(conn)

    def _is_closed(self, conn):
        returned = self._returned.pop(id(conn), None)
        if conn.closed:
            return True
        fresh = returned is not None and time.monotonic() - returned < self.FRESH_SECONDS
        if fresh and conn.get_transaction_status() == TRANSACTION_STATUS_IDLE:
            return False
        return super()._is_closed(conn)


def _without_busy_sleeps(connection, write):
    """`write()` tried again while SQLite says busy (PROMPT_RETRY_SECONDS, growing), for at most
    the connection's busy timeout, which it has again afterwards."""
    busy_timeout_ms = connection.execute("PRAGMA busy_timeout").fetchone()[0]
    deadline = time.monotonic() + busy_timeout_ms / 1000
    connection.execute("PRAGMA busy_timeout = 0")
    pause = PROMPT_RETRY_SECONDS
    try:
        while True:
            try:
                return write()
            except OperationalError as error:
                if not is_busy(error) or time.monotonic() >= deadline:
                    raise
            time.sleep(pause)
            pause = min(2 * pause, PROMPT_RETRY_MAX_SECONDS)
    finally:
        connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")


def bind_database(url: str, **timeouts):
    """Point the proxy at the database for `url`, closing any previous one. `timeouts`:
    the keyword arguments of `open_database`."""
    if db.obj is not None:
        db.obj.close_all() if hasattr(db.obj, "close_all") else db.obj.close()
    database = open_database(url, **timeouts)
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
    bind_database(
        app.config["DATABASE_URL"],
        lock_timeout_ms=app.config["DB_LOCK_TIMEOUT_MS"],
        statement_timeout_ms=app.config["DB_STATEMENT_TIMEOUT_MS"],
        busy_timeout_ms=app.config["DB_BUSY_TIMEOUT_MS"],
    )

    @app.before_request
    def _connect():
        db.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not db.is_closed():
            db.close()
