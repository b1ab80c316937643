"""PostgreSQL connections come from a pool (models/db.py `QuickPooledPostgresDatabase`): one back
in the pool a moment ago is handed out without a round trip to check it is alive (a flash sale's
requests each find one), while one idle longer is checked, so a connection the server dropped
meanwhile (a restart, an idle timeout) is replaced and the page still works. The price: a
connection the server drops within that moment fails the one request that takes it, and the next
request gets a new one (docs/operations.md)."""

import time

import psycopg2
import pytest
from peewee import InterfaceError, OperationalError

from models.db import QuickPooledPostgresDatabase, db, is_postgres


@pytest.fixture
def pings(app_context, monkeypatch):
    """The liveness round trips the pool makes, counted."""
    if not is_postgres():
        pytest.skip("SQLite opens a file: no server to lose a connection")
    made = []
    check = type(db.obj._adapter).is_connection_closed

    def counted(adapter, conn):
        made.append(conn)
        return check(adapter, conn)

    monkeypatch.setattr(type(db.obj._adapter), "is_connection_closed", counted)
    db.close()
    return made


def server_pid() -> int:
    return db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]


def test_a_connection_back_a_moment_ago_is_not_pinged_one_idle_longer_is(pings):
    db.connect()
    first = server_pid()
    db.close()
    db.connect()  # the next request, right away: the same connection, no round trip
    assert server_pid() == first and pings == []
    db.close()
    time.sleep(QuickPooledPostgresDatabase.FRESH_SECONDS + 0.1)
    db.connect()  # idle a while: checked, and still good
    assert server_pid() == first and len(pings) == 1
    db.close()


def test_a_connection_the_server_dropped_while_idle_is_replaced(pings, database_url):
    db.connect()
    dropped = server_pid()
    db.close()
    drop(database_url, dropped)
    time.sleep(QuickPooledPostgresDatabase.FRESH_SECONDS + 0.1)
    db.connect()
    assert server_pid() != dropped  # a new connection, and the query ran
    db.close()


def drop(database_url, pid: int) -> None:
    with psycopg2.connect(database_url) as admin, admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_a_connection_dropped_within_its_moment_fails_one_request_the_next_works(
    pings, database_url, client, monkeypatch
):
    monkeypatch.setattr(QuickPooledPostgresDatabase, "FRESH_SECONDS", 60)  # a slow machine too
    assert client.get("/healthz").status_code == 200
    db.connect()
    dropped = server_pid()
    db.close()
    drop(database_url, dropped)
    with pytest.raises((OperationalError, InterfaceError)):
        client.get("/healthz")  # handed out unchecked: this request fails
    assert client.get("/healthz").status_code == 200  # the broken one was not kept
    db.connect()
    assert server_pid() != dropped
    db.close()


def test_connections_closed_for_good_leave_nothing_behind(pings):
    for _ in range(5):
        db.connect()
        server_pid()
        db.close()
        db.obj.close_all()  # as a worker recycling its pool does
    assert db.obj._returned == {}
