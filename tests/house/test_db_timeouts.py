"""A page never hangs on a locked or slow database: a statement waits at most the configured
time, then the visitor gets the shop's own "busy" page (503, Retry-After) and nothing is saved
halfway; a prompt write (a delivery's mark) takes SQLite's lock once it is free. Tested for
real: another connection holds the lock (PostgreSQL: LOCK TABLE in an open transaction; SQLite:
BEGIN IMMEDIATE), or the statement runs too long (pg_sleep)."""

import sqlite3
import threading
import time
from urllib.parse import urlparse

import psycopg2
import pytest
from peewee import OperationalError

from app import RETRY_AFTER_SECONDS, create_app
from models.catalog.products import Product
from models.db import db, is_busy, is_postgres, promptly
from models.orders.order import Order
from tests.factories import make_product, make_shop
from tests.helpers import PASSWORD, ZH, csrf_token_from, hidden_inputs, make_user

WAIT_MS = 300  # the timeouts of these tests; the defaults are seconds
BOUND = 5  # seconds: far above WAIT_MS, far below the 31 s hang that gunicorn cut short


@pytest.fixture
def quick_app(database_url):
    """The app with timeouts of WAIT_MS (lock and busy) and 2 × WAIT_MS (statements)."""
    app = create_app(
        TESTING=True,
        DATABASE_URL=database_url,
        SECRET_KEY="test-secret",
        RATELIMIT_STORAGE_URI="memory://",
        DEFAULT_LOCALE="en",
        DB_LOCK_TIMEOUT_MS=WAIT_MS,
        DB_STATEMENT_TIMEOUT_MS=2 * WAIT_MS,
        DB_BUSY_TIMEOUT_MS=WAIT_MS,
    )
    yield app
    if not db.is_closed():
        db.close()


@pytest.fixture
def activity(quick_app):
    with quick_app.app_context():  # make_shop's fixture would build the app without the timeouts
        made = make_shop(
            products={"apples": {"on_hand": 10, "name": "Apples"}},
            points={"point": {"name": "East gate"}},
        )
    return made | {"slug": made["version"].template.slug}


def order_data(client, activity) -> dict:
    html = client.get(f"/f/{activity['slug']}").get_data(as_text=True)
    return {
        **hidden_inputs(html),
        "name": "Ann",
        "phone": "138 0013 8000",
        f"items-{activity['apples'].id}": "1",
        "checkout-method": str(activity["point"].id),
    }


def assert_busy_page(response, elapsed: float, language: str = "en"):
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    title = "The shop is busy" if language == "en" else "店铺正忙"
    assert title in response.get_data(as_text=True)
    assert elapsed < BOUND


def timed(request):
    started = time.monotonic()
    response = request()
    return response, time.monotonic() - started


# --- PostgreSQL -------------------------------------------------------------------------------


@pytest.fixture
def other_connection(quick_app, database_url):
    """A second PostgreSQL session on the test schema, in a transaction of its own."""
    if not is_postgres():
        pytest.skip("PostgreSQL's lock_timeout; SQLite's busy timeout is tested below")
    connection = psycopg2.connect(database_url)
    yield connection
    connection.rollback()
    connection.close()


def lock(connection, table: str) -> None:
    connection.cursor().execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')


def test_a_locked_table_answers_the_busy_page_in_time(quick_app, activity, other_connection):
    client = quick_app.test_client()
    assert client.get(f"/f/{activity['slug']}").status_code == 200
    # the stock left is read on every view (the activity itself is kept by the worker,
    # models/config_cache.py, so a lock on its table would not be met)
    lock(other_connection, "stock")
    response, elapsed = timed(lambda: client.get(f"/f/{activity['slug']}"))
    assert_busy_page(response, elapsed)
    response, elapsed = timed(lambda: client.get(f"/f/{activity['slug']}", headers=ZH))
    assert_busy_page(response, elapsed, "zh")
    other_connection.rollback()  # the lock goes: the page is back, on the same pool
    assert client.get(f"/f/{activity['slug']}").status_code == 200


def test_an_order_sent_while_a_table_is_locked_is_not_placed_halfway(
    quick_app, activity, other_connection
):
    client = quick_app.test_client()
    data = order_data(client, activity)
    lock(other_connection, "order")
    response, elapsed = timed(lambda: client.post(f"/f/{activity['slug']}", data=data))
    assert_busy_page(response, elapsed)
    other_connection.rollback()
    with quick_app.app_context():
        assert Order.select().count() == 0
    assert client.post(f"/f/{activity['slug']}", data=data).status_code == 303
    with quick_app.app_context():
        assert Order.select().count() == 1


@pytest.mark.parametrize("table", ["user", "inbox_message"])
def test_staff_get_the_busy_page_even_when_their_account_or_inbox_waits(
    quick_app, other_connection, table
):
    """The busy page itself asks the database nothing more: not who is signed in when that
    was what waited, not the unread count of the header."""
    with quick_app.app_context():
        staff = make_user("staff", "staff@example.com")
    client = quick_app.test_client()
    token = csrf_token_from(client, "/login")
    client.post("/login", data={"csrf_token": token, "email": staff.email, "password": PASSWORD})
    assert client.get("/customers/").status_code == 200
    lock(other_connection, table)
    response, elapsed = timed(lambda: client.get("/customers/"))
    assert_busy_page(response, elapsed)


def test_a_statement_running_too_long_is_stopped(quick_app, other_connection):
    @quick_app.get("/slow")
    def slow():
        db.execute_sql("SELECT pg_sleep(%s)", (BOUND,))
        return "finished"

    client = quick_app.test_client()
    response, elapsed = timed(lambda: client.get("/slow"))
    assert_busy_page(response, elapsed)
    assert client.get("/healthz").status_code == 200  # the pooled connection still works


def test_every_pooled_connection_has_the_timeouts(quick_app, other_connection):
    with quick_app.app_context():
        db.connect(reuse_if_open=True)
        settings = [db.execute_sql(f"SHOW {name}").fetchone()[0] for name in TIMEOUT_SETTINGS]
        db.close()
    assert settings == [f"{WAIT_MS}ms", f"{2 * WAIT_MS}ms"]


TIMEOUT_SETTINGS = ("lock_timeout", "statement_timeout")


def test_the_defaults_leave_a_page_time_but_stop_before_gunicorn_kills_it(app):
    assert app.config["DB_LOCK_TIMEOUT_MS"] == 10_000
    assert app.config["DB_STATEMENT_TIMEOUT_MS"] == 25_000  # gunicorn's timeout: 30 s
    assert app.config["DB_BUSY_TIMEOUT_MS"] == 10_000


# --- SQLite -----------------------------------------------------------------------------------


@pytest.fixture
def sqlite_writer(quick_app, database_url):
    """A second SQLite connection holding the write lock (BEGIN IMMEDIATE)."""
    if is_postgres():
        pytest.skip("SQLite's busy timeout; PostgreSQL's lock_timeout is tested above")
    connection = sqlite3.connect(urlparse(database_url).path, isolation_level=None)
    yield connection
    connection.execute("ROLLBACK") if connection.in_transaction else None
    connection.close()


def test_an_order_sent_while_sqlite_is_locked_gets_the_busy_page(
    quick_app, activity, sqlite_writer
):
    client = quick_app.test_client()
    data = order_data(client, activity)
    sqlite_writer.execute("BEGIN IMMEDIATE")
    response, elapsed = timed(lambda: client.post(f"/f/{activity['slug']}", data=data))
    assert_busy_page(response, elapsed)
    response, elapsed = timed(lambda: client.post(f"/f/{activity['slug']}", data=data, headers=ZH))
    assert_busy_page(response, elapsed, "zh")
    sqlite_writer.execute("ROLLBACK")
    with quick_app.app_context():
        assert Order.select().count() == 0
    assert client.post(f"/f/{activity['slug']}", data=data).status_code == 303
    with quick_app.app_context():
        assert Order.select().count() == 1


def _in_a_transaction(write):
    with db.atomic():
        write()


@pytest.mark.parametrize(
    "way",
    [promptly, _in_a_transaction],
    ids=["promptly: one statement (a delivery's mark)", "db.atomic(): BEGIN IMMEDIATE"],
)
def test_a_write_waits_for_the_write_lock_and_lands_once_it_is_free(quick_app, sqlite_writer, way):
    """models/db.py `promptly` and `PromptSqliteDatabase.begin`: tried again and again instead
    of SQLite's growing sleeps while another connection writes, then run whole; the connection
    keeps its busy timeout afterwards."""
    with quick_app.app_context():
        product = make_product(1, name="Pears")
    done = []

    def mark():
        with quick_app.app_context(), db.connection_context():
            way(lambda: Product.update(name="Ripe pears").where(Product.id == product.id).execute())
            done.append(db.connection().execute("PRAGMA busy_timeout").fetchone()[0])

    sqlite_writer.execute("BEGIN IMMEDIATE")
    writer = threading.Thread(target=mark)
    writer.start()
    time.sleep(WAIT_MS / 1000 / 3)
    assert writer.is_alive() and not done  # waiting for the lock
    sqlite_writer.execute("ROLLBACK")
    writer.join(timeout=BOUND)

    assert done == [WAIT_MS]
    with quick_app.app_context():
        assert Product.get_by_id(product.id).name == "Ripe pears"


def test_a_write_transaction_gives_up_after_the_busy_timeout(quick_app, sqlite_writer):
    sqlite_writer.execute("BEGIN IMMEDIATE")
    with quick_app.app_context(), db.connection_context():
        started = time.monotonic()
        with pytest.raises(OperationalError) as refused, db.atomic():
            db.execute_sql('UPDATE "user" SET name = name')
        assert is_busy(refused.value) and WAIT_MS / 1000 <= time.monotonic() - started < BOUND
        assert db.connection().execute("PRAGMA busy_timeout").fetchone()[0] == WAIT_MS
        assert not db.in_transaction()


def test_a_prompt_write_gives_up_after_the_busy_timeout(quick_app, sqlite_writer):
    sqlite_writer.execute("BEGIN IMMEDIATE")
    with quick_app.app_context(), db.connection_context():
        started = time.monotonic()
        with pytest.raises(OperationalError) as refused:
            promptly(lambda: db.execute_sql('UPDATE "user" SET name = name'))
        assert is_busy(refused.value) and WAIT_MS / 1000 <= time.monotonic() - started < BOUND
        assert db.connection().execute("PRAGMA busy_timeout").fetchone()[0] == WAIT_MS


# --- both -------------------------------------------------------------------------------------


def test_other_database_errors_are_still_crashes(quick_app):
    """Only waiting too long is "busy"; a broken statement is a 500, logged."""
    quick_app.config["PROPAGATE_EXCEPTIONS"] = False

    @quick_app.get("/broken")
    def broken():
        db.execute_sql("SELECT * FROM no_such_table")

    response = quick_app.test_client().get("/broken")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers
