"""The open board in Chromium sees every change within 3 s, whatever the clocks say: an order
dated a day ahead, a hand fix dated a day back, a transaction that commits after a later one,
and a second app server whose clock is 10 minutes off (tests/clock_app.py)."""

import re
import subprocess
import sys
from datetime import timedelta

import pytest

from models.base import utcnow
from models.db import db
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order
from tests.board.test_board_browser import row
from tests.conftest import PHONE
from tests.factories import order_for
from tests.helpers import ROOT, confirmed_but_committed_late, run_in_thread, sign_in
from tests.orders.test_changes import DAY, LATE, hand_fix
from tests.orders.test_ordering_browser import fill_and_submit

pytestmark = pytest.mark.browser

SOON = 3_000  # ms: every change is on the open board within this


@pytest.fixture
def activity(make_shop):
    """The fruit activity customers order from in tests/orders/test_ordering_browser.py."""
    made = make_shop(
        products={
            "strawberries": {"on_hand": 100, "price": 3990, "name": "Strawberries 500g"},
            "oranges": {"on_hand": 100, "price": 5900, "name": "Navel oranges 5kg"},
        },
        points={
            "point": {
                "name": "East gate",
                "address": "88 River Rd",
                "hours": [{"day": 5, "from": "10:00", "until": "12:00"}],
            }
        },
        limit=5,
    )
    return made | {"slug": made["version"].template.slug}


def open_board(page, user) -> None:
    """Every order of every day: a server whose clock is behind may date an order yesterday."""
    page.goto("/board/?created=all")
    page.wait_for_url(re.compile(r"/login\?next="))
    sign_in(page, user)
    page.wait_for_url(re.compile(r"/board/\?created=all$"))
    page.wait_for_function("() => window.htmx !== undefined")


def place(app, activity, quantity: int = 1) -> Order:
    with app.app_context():
        return order_for(activity["version"], [(activity["strawberries"], quantity)])


def status_of(page, order: Order, label: str):
    return row(page, order).locator(".status", has_text=label)


def test_an_order_dated_a_day_ahead_leaves_the_board_seeing(app, desktop_page, staff, activity):
    with app.app_context():  # imported with a time from a clock a day ahead
        imported = order_for(activity["version"], [(activity["oranges"], 1)], name="Import")
        hand_fix(imported, updated_at=utcnow() + DAY)
    open_board(desktop_page, staff)
    row(desktop_page, imported).wait_for()

    arrived = place(app, activity)
    row(desktop_page, arrived).wait_for(timeout=SOON)
    with app.app_context():
        transition_order(imported, "confirmed", Actor.system())
    status_of(desktop_page, imported, "Confirmed").wait_for(timeout=SOON)


def test_a_hand_fix_dated_a_day_back_reaches_the_board(app, desktop_page, staff, activity):
    order = place(app, activity)
    open_board(desktop_page, staff)
    row(desktop_page, order).wait_for()

    with app.app_context():
        hand_fix(order, status="confirmed", updated_at=utcnow() - DAY)
        with db.atomic():  # an import that dates its order a day back
            imported = place(app, activity, 2)
            hand_fix(imported, created_at=utcnow(), updated_at=utcnow() - DAY)

    status_of(desktop_page, order, "Confirmed").wait_for(timeout=SOON)
    row(desktop_page, imported).wait_for(timeout=SOON)


def test_a_change_committed_after_a_later_one_reaches_the_board(app, desktop_page, staff, activity):
    """A is changed first and committed last; B is placed meanwhile and shows first. (On
    SQLite B waits for A: its writers commit one at a time.)"""
    first = place(app, activity)
    open_board(desktop_page, staff)
    with confirmed_but_committed_late(app, first, LATE):
        second = run_in_thread(lambda: place(app, activity))
        row(desktop_page, second).wait_for(timeout=SOON)

    status_of(desktop_page, first, "Confirmed").wait_for(timeout=SOON)


@pytest.fixture
def servers_with_clocks(database_url):
    """Start the app in other processes, one per clock shift (together: each takes seconds to
    start); yields their URLs."""
    started = []

    def start(*shifts: timedelta) -> list[str]:
        for shift in shifts:
            command = [sys.executable, "-m", "tests.clock_app", database_url]
            command.append(str(shift.total_seconds()))
            started.append(subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True))
        urls = []
        for process in started:
            port = process.stdout.readline().strip()
            assert port.isdigit(), f"a clock-shifted server did not start (exit {process.poll()})"
            urls.append(f"http://127.0.0.1:{port}")
        return urls

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=10)


def test_orders_through_servers_whose_clocks_differ_by_ten_minutes_reach_the_board(
    app, browser, live_server, desktop_page, staff, activity, servers_with_clocks
):
    behind, ahead = servers_with_clocks(timedelta(minutes=-10), timedelta(minutes=10))
    open_board(desktop_page, staff)  # served by this process, on the machine's clock

    # Customers order through each in turn: behind first, then ahead, then this one (after
    # ahead), then behind again (after ahead).
    for i, base in enumerate((behind, ahead, live_server.url, behind)):
        context = browser.new_context(base_url=base, **PHONE)
        customer = context.new_page()
        customer.goto(f"/f/{activity['slug']}")
        fill_and_submit(customer, activity, "Clock Test", f"1390013900{i}")
        customer.wait_for_url(re.compile(r"/o/[\w-]+$"))
        with app.app_context():
            order = Order.get(Order.tracking_token == customer.url.rsplit("/", 1)[1])
        row(desktop_page, order).wait_for(timeout=SOON)
        context.close()
