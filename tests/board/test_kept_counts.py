"""The board's counts per status, kept while no order changes (models/board/kept_counts.py),
are never stale: a change by a hand-written fix, by another connection, or committed after
the page counted shows in the next page's counts; a search's counts are never kept."""

import re

import pytest

from models.board.filters import OrderFilter
from models.board.queries import status_counts
from models.customers.customer import Customer
from models.db import db
from models.orders.changes import watch_now
from tests.activities.test_kept_configuration import by_hand
from tests.factories import order_for
from tests.helpers import (
    confirmed_but_committed_late,
    make_user,
    run_in_thread,
    sql_statements,
)
from tests.orders.test_changes import LATE, hand_fix, poll

pytestmark = pytest.mark.usefixtures("english")

COUNT = re.compile(r"COUNT\(\*\)", re.IGNORECASE)


@pytest.fixture
def shop(app_context, make_shop):
    return make_shop(products={"product": {"on_hand": 1000}})


def place(shop, **options):
    return order_for(shop["version"], [(shop["product"], 1)], **options)


def counts_on(html: str) -> dict[str, int]:
    """{status label: count} as the board's status tabs show them."""
    tabs = html[
        html.index('id="status-counts"') : html.index("</ul>", html.index('id="status-counts"'))
    ]
    return {
        label: int(count)
        for label, count in re.findall(r"<span>([^<]+)</span> <strong>(\d+)</strong>", tabs)
    }


def board(client, url: str = "/board/?created=all") -> dict[str, int]:
    response = client.get(url)
    assert response.status_code == 200
    return counts_on(response.get_data(as_text=True))


def test_an_unchanged_board_is_not_counted_again(client, staff, login, shop, database_url):
    place(shop)
    login(staff)
    first = board(client)
    # other work on the server (no order written) moves PostgreSQL's watch, not the orders
    by_hand(database_url, "UPDATE customer SET name = name")

    with sql_statements() as statements:
        again = board(client)

    assert again == first and first["Pending"] == 1
    assert not [sql for sql in statements if COUNT.search(sql)]


def test_a_polls_counts_serve_the_next_page(client, staff, login, shop):
    place(shop)
    login(staff)
    html = client.get("/board/?created=all").get_data(as_text=True)
    place(shop)

    status, changes = poll(client, html)
    assert status == 200 and counts_on(changes)["Pending"] == 2

    with sql_statements() as statements:
        assert board(client)["Pending"] == 2
    assert not [sql for sql in statements if COUNT.search(sql)]


def test_a_hand_fix_shows_in_the_next_counts(client, staff, login, shop):
    order = place(shop)
    place(shop)
    login(staff)
    assert board(client)["Pending"] == 2

    hand_fix(order, status="confirmed")

    counts = board(client)
    assert counts["Pending"] == 1 and counts["Confirmed"] == 1


def test_an_order_placed_on_another_connection_shows_in_the_next_counts(
    app, client, staff, login, shop
):
    place(shop)
    login(staff)
    assert board(client)["Pending"] == 1

    def elsewhere():
        with app.app_context():
            place(shop)
        db.close()

    run_in_thread(elsewhere)

    assert board(client)["Pending"] == 2


def test_a_change_committed_after_the_page_counted_shows_in_the_next_counts(
    app, client, staff, login, shop
):
    """The change takes its number before the page looks and commits after the page counted
    (PostgreSQL; SQLite's writers queue, so there the page waits for it)."""
    first = place(shop)
    login(staff)
    with confirmed_but_committed_late(app, first, LATE / 3):
        during = board(client)
    assert during["Pending"] + during["Confirmed"] == 1

    after = board(client)
    assert after["Pending"] == 0 and after["Confirmed"] == 1


def test_a_search_is_counted_on_every_view(client, staff, login, shop):
    order = place(shop, name="Wang Fang")
    login(staff)
    assert board(client, "/board/?created=all&q=Wang")["Pending"] == 1

    Customer.update(name="Li Fang").where(Customer.id == order.customer_id).execute()

    assert board(client, "/board/?created=all&q=Wang")["Pending"] == 0
    assert board(client, "/board/?created=all&q=Li")["Pending"] == 1


def test_each_staff_members_own_orders_are_counted_for_them(shop, staff):
    other = make_user("staff", "other@example.com")
    hand_fix(place(shop), assignee_id=staff.id)
    watch = watch_now()

    def mine(user) -> dict[str, int]:
        return status_counts(OrderFilter(assignee="mine", viewer_id=user.id), watch)

    assert mine(staff)["pending"] == 1
    assert mine(other)["pending"] == 0
    assert mine(staff)["pending"] == 1
