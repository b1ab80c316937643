"""Small helpers the tests share."""

import re
import threading
import time
import uuid
from contextlib import contextmanager

from peewee import Database

from models import User
from models.db import db

PASSWORD = "correct horse battery staple"
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def make_user(role: str, email: str | None = None) -> User:
    return User.register(
        email or f"{role}-{uuid.uuid4().hex[:6]}@example.com", role.title(), PASSWORD, role=role
    )


def csrf_token_from(client, page_url: str) -> str:
    """The CSRF token of the form on `page_url`, as a browser would send it."""
    html = client.get(page_url).get_data(as_text=True)
    match = CSRF_INPUT.search(html)
    assert match, f"no CSRF token on {page_url}"
    return match.group(1)


HIDDEN_INPUT = re.compile(r'<input[^>]*type="hidden"[^>]*>')
NAME_ATTR = re.compile(r'name="([^"]+)"')
VALUE_ATTR = re.compile(r'value="([^"]*)"')


def hidden_inputs(html: str) -> dict[str, str]:
    """The hidden inputs of a page (CSRF token, submission key), as a browser would send them."""
    found = {}
    for tag in HIDDEN_INPUT.findall(html):
        name, value = NAME_ATTR.search(tag), VALUE_ATTR.search(tag)
        if name:
            found[name.group(1)] = value.group(1) if value else ""
    return found


JOIN_TIMEOUT = 60


def race(app, count: int, work) -> list[tuple[str, object]]:
    """Run work(i) in `count` threads released together; return (outcome, value) per thread.

    outcome is "ok" with the return value, or the exception's class name with the exception.
    """
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(i: int) -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=JOIN_TIMEOUT)
                results[i] = ("ok", work(i))
        except Exception as error:
            results[i] = (type(error).__name__, error)
        finally:
            db.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a worker thread hung"
    return results


@contextmanager
def sql_statements():
    """Every SQL statement run inside the block, in order (the list fills as they run)."""
    statements = []
    original = Database.execute_sql

    def counting(self, sql, params=None, *args, **kwargs):
        statements.append(sql)
        return original(self, sql, params, *args, **kwargs)

    Database.execute_sql = counting
    try:
        yield statements
    finally:
        Database.execute_sql = original


def selects(statements: list[str]) -> list[str]:
    return [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]


def selects_while(client, url: str, headers=None) -> list[str]:
    """The SELECT statements that serving `url` (200) runs."""
    with sql_statements() as statements:
        assert client.get(url, headers=headers).status_code == 200
    return selects(statements)


@contextmanager
def confirmed_but_committed_late(app, order, hold: float):
    """Confirm `order` in a transaction that takes its change number now and commits only when
    the block ends; the block starts `hold` seconds after the change was made. Another writer in
    the block gets a later number but commits first (on PostgreSQL; SQLite's writers queue)."""
    from models.orders.lifecycle import Actor, transition_order
    from models.orders.order import Order

    taken, release = threading.Event(), threading.Event()

    def change():
        with app.app_context(), db.atomic():
            transition_order(Order.get_by_id(order.id), "confirmed", Actor.system())
            taken.set()
            release.wait(timeout=hold + 4)
        db.close()

    thread = threading.Thread(target=change)
    thread.start()
    assert taken.wait(timeout=10)
    time.sleep(hold)
    try:
        yield
    finally:
        release.set()
        thread.join(timeout=20)


def run_in_thread(work, timeout: float = 20):
    """What `work()` returns, run in a thread of its own (its own database connection)."""
    result = []

    def run():
        result.append(work())
        db.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=timeout)
    assert result, "the work did not finish"
    return result[0]
