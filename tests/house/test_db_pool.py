"""PostgreSQL connections come from a pool (models/db.py `QuickPooledPostgresDatabase`): one back
in the pool a moment ago is handed out without a round trip to check it is alive (a flash sale's
requests each find one), while one idle longer is checked, so a connection the server dropped
meanwhile (a restart, an idle timeout) is replaced and the page still works."""

import time

import psycopg2
import pytest

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
    with psycopg2.connect(database_url) as admin, admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", (dropped,))
    time.sleep(QuickPooledPostgresDatabase.FRESH_SECONDS + 0.1)
    db.connect()
    assert server_pid() != dropped  # a new connection, and the query ran
    db.close()
