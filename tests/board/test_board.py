"""The staff board over HTTP: who may open it, filters and pages, live polls, actions on one order
or a selection, conflicts between two staff, saved views."""

import re
import threading
import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from html import unescape

import pytest
from flask import g
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.accounts.user import User
from models.board.filters import OrderFilter
from models.board.queries import (
    COLUMN_SIZE,
    Cursor,
    board_page,
    first_columns,
    first_page,
    status_counts,
)
from models.board.saved_views import SavedView
from models.customers.customer import Customer
from models.db import db
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Note, Order, OrderEvent
from models.orders.status import STATUSES
from tests.factories import make_product, order_for, published_version
from tests.helpers import HTMX, PASSWORD, csrf_token_from, make_user, numbers_in, shown_in

ROUTE = {
    "confirmed": ["confirmed"],
    "processing": ["confirmed", "processing"],
    "ready": ["confirmed", "processing", "ready"],
    "completed": ["confirmed", "processing", "ready", "completed"],
    "cancelled": ["cancelled"],
}


pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def shop(app_context, make_shop):
    return make_shop(
        products={"product": {"on_hand": 1000}}, fields=[{"name": "name", "type": "short_text"}]
    )


def place(shop, **options) -> Order:
    return order_for(shop["version"], [(shop["product"], 1)], **options)


def walk(order: Order, status: str) -> Order:
    for step in ROUTE.get(status, []):
        order = transition_order(order, step, Actor.system())
    return order


def page_of(client, url="/board/", **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def poll_of(html: str) -> str:
    return unescape(re.search(r'id="board-poll"[^>]*hx-post="([^"]+)"', html).group(1))


def poll(client, html: str, shown=None):
    token = csrf_token_from(client, "/board/")
    return client.post(
        poll_of(html),
        data={"shown": shown_in(html) if shown is None else shown},
        headers={**HTMX, "X-CSRFToken": token},
    )


def post(client, url, data, htmx=True):
    token = csrf_token_from(client, "/board/")
    headers = {**HTMX, "X-CSRFToken": token} if htmx else {}
    return client.post(url, data={"csrf_token": token, **data}, headers=headers)


# --- who may open the board ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/board/"),
        ("POST", "/board/poll"),
        ("POST", "/board/bulk"),
        ("POST", "/board/views"),
    ],
)
def test_anonymous_visitors_and_customers_are_sent_to_sign_in(client, method, url):
    token = csrf_token_from(client, "/login")
    response = client.open(url, method=method, headers={"X-CSRFToken": token})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    with client.session_transaction() as session:  # a customer signed in to "My orders"
        session["my_orders"] = {"phone": "+8613800138000", "at": 1}
    response = client.open(url, method=method, headers={"X-CSRFToken": token})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


# --- filters and pages --------------------------------------------------------------------------


def test_the_default_board_is_todays_open_orders_and_counts_every_status(
    client, staff, login, shop
):
    open_order, done = place(shop), walk(place(shop), "completed")
    yesterday = place(shop)
    Order.update(created_at=datetime.now() - timedelta(days=2)).where(
        Order.id == yesterday.id
    ).execute()
    login(staff)
    html = page_of(client)
    assert numbers_in(html) == [open_order.number]
    counts = dict(re.findall(r"<span>(\w+)</span> <strong>(\d+)</strong>", html))
    assert (
        counts["Pending"] == "1" and counts["Completed"] == "1"
    )  # counts ignore the status filter
    everything = page_of(client, "/board/?created=all")
    assert sorted(numbers_in(everything)) == sorted(o.number for o in (open_order, done, yesterday))


def test_filtering_with_htmx_swaps_the_board_and_pushes_the_canonical_url(
    client, staff, login, shop
):
    alice, bob = place(shop, name="Alice Wong"), place(shop, name="Bob Li")
    login(staff)
    url = "/board/?q=alice&from=&to=&min=&max=&assignee=&status=pending&view=table"
    response = client.get(url, headers=HTMX)
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="board"')
    assert numbers_in(html) == [alice.number] and bob.number not in numbers_in(html)
    assert response.headers["HX-Push-Url"] == "/board/?status=pending&created=all&q=alice"
    assert "HX-Request" in response.headers["Vary"]
    # the same URL without JavaScript, and a history restore, get the whole page
    assert "<html" in page_of(client, url)
    restored = client.get(url, headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert "<html" in restored.get_data(as_text=True)


def test_the_column_view_shows_the_same_orders_by_status(client, staff, login, shop):
    pending, confirmed = place(shop), walk(place(shop), "confirmed")
    login(staff)
    html = page_of(client, "/board/?view=columns")
    column = lambda status: html.split(f'id="column-{status}-cards"')[1].split("</section>")[0]  # noqa: E731
    assert numbers_in(column("pending")) == [pending.number]
    assert numbers_in(column("confirmed")) == [confirmed.number]
    assert 'id="column-completed-cards"' not in html  # the default filter shows open statuses


def test_load_more_continues_where_the_page_ended(client, staff, login, shop):
    placed = [place(shop) for _ in range(53)]
    login(staff)
    html = page_of(client)
    first = numbers_in(html)
    assert first == [o.number for o in reversed(placed)][:50]
    more = unescape(re.search(r'id="load-more".*?hx-get="([^"]+)"', html, re.S).group(1))
    rest = client.get(more, headers=HTMX).get_data(as_text=True)
    assert numbers_in(rest) == [o.number for o in reversed(placed)][50:]
    assert 'id="load-more"' not in rest
    # without JavaScript the link opens the board from that cursor
    assert numbers_in(page_of(client, more)) == numbers_in(rest)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    stamps=st.lists(st.integers(0, 6), max_size=40),  # many orders share a created_at
    size=st.integers(1, 7),
)
def test_keyset_pages_cover_every_order_once_newest_first(shop, stamps, size):
    customer = Customer.find_or_create("Keyset", "+8613800000001")
    base = datetime(2026, 3, 1, 12)
    rows = [
        {
            "number": 50_000 + i,
            "submission_key": uuid.uuid4().hex,
            "template": shop["version"].template_id,
            "template_version": shop["version"].id,
            "customer": customer.id,
            "created_at": base + timedelta(minutes=stamp),
        }
        for i, stamp in enumerate(stamps)
    ]
    with db.atomic() as transaction:
        if rows:
            Order.insert_many(rows).execute()
        everything, seen, after = OrderFilter(), [], None
        while True:
            page = board_page(everything, after, size)
            seen += [(o.created_at, o.id) for o in page.rows]
            if page.next is None:
                break
            assert Cursor.parse(str(page.next)) == page.next
            after = page.next
        transaction.rollback()
    assert len(seen) == len(set(seen)) == len(rows)
    assert seen == sorted(seen, reverse=True)


def test_first_pages_and_counts_in_one_query_agree_with_the_plain_queries(shop):
    """The first page (or each column's) and the counts come from one query, a search's from the
    copies of status and created_at next to the answers' text; they must agree with the plain
    page query and with counting the orders themselves, also after orders changed."""
    statuses = ["pending", "confirmed", "completed", "cancelled"]
    customer = Customer.find_or_create("Search", "+8613800000002")
    rows = [
        {
            "number": 60_000 + i,
            "submission_key": uuid.uuid4().hex,
            "template": shop["version"].template_id,
            "template_version": shop["version"].id,
            "customer": customer.id,
            "status": statuses[i % 4] if i % 3 else "pending",
            "answers": {"remark": "pick up" if i < 50 else "deliver at noon"},  # 50: a full page
            "created_at": datetime(2026, 3, 1) + timedelta(minutes=i // 2),  # ties too
        }
        for i in range(130)
    ]
    Order.insert_many(rows).execute()
    day = datetime(2026, 3, 1).date()
    boards = [
        OrderFilter(search="noon"),  # three letters and more: the trigram index
        OrderFilter(statuses=("pending", "completed"), search="noon"),
        OrderFilter(search="pi"),  # shorter: LIKE
        OrderFilter(search="search"),  # the customer's name: every order
        OrderFilter(search="60007"),  # an order number
        OrderFilter(created_from=day, created_to=day, search="deliver at"),
        OrderFilter(search="noon", template_ids=(shop["version"].template_id,)),
        OrderFilter(),
        OrderFilter(statuses=("confirmed", "cancelled")),
        OrderFilter.default(),  # today: nothing
    ]

    def agree():
        for board in boards:
            kept = [o.status for o in board.without_statuses().query()]
            counts, page = first_page(board)
            assert counts == {status: kept.count(status) for status in STATUSES}, board
            plain = board_page(board)
            assert [o.id for o in page.rows] == [o.id for o in plain.rows], board
            assert page.next == plain.next
            column_counts, columns = first_columns(board)
            assert column_counts == counts and status_counts(board) == counts
            assert list(columns) == list(board.statuses or STATUSES)
            for status, column in columns.items():
                alone = board_page(replace(board, statuses=(status,)), size=COLUMN_SIZE)
                assert [o.id for o in column.rows] == [o.id for o in alone.rows], (board, status)
                assert column.next == alone.next

    agree()
    assert sum(first_page(OrderFilter(search="noon"))[0].values()) == 80
    changed = Order.select(Order.id).where(Order.number.between(60_040, 60_070))
    Order.update(status="ready").where(Order.id.in_(changed)).execute()
    moved = Order.number.between(60_100, 60_110)
    Order.update(created_at=datetime(2026, 3, 5)).where(moved).execute()
    agree()
    assert first_page(OrderFilter(search="noon"))[0]["ready"] == 21


# --- live updates -------------------------------------------------------------------------------


def test_an_unchanged_poll_is_204_after_one_query_on_orders(
    client, staff, login, shop, monkeypatch
):
    place(shop)
    login(staff)
    html = page_of(client)
    token = csrf_token_from(client, "/board/")
    statements = []
    real = db.obj.execute_sql
    monkeypatch.setattr(
        db.obj, "execute_sql", lambda sql, *a, **k: statements.append(sql) or real(sql, *a, **k)
    )
    response = client.post(
        poll_of(html), data={"shown": shown_in(html)}, headers={**HTMX, "X-CSRFToken": token}
    )
    assert response.status_code == 204 and response.data == b""
    on_orders = [sql for sql in statements if '"order"' in sql]
    assert len(on_orders) == 1 and "change_tx" in on_orders[0], statements
    assert len(statements) <= 2  # and the signed-in user


def test_a_poll_sends_only_the_changed_and_the_new_rows(client, staff, login, shop):
    first, second, third = place(shop), place(shop), place(shop)
    login(staff)
    html = page_of(client)
    assert poll(client, html).status_code == 204

    walk(second, "confirmed")
    response = poll(client, html)
    changed = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="order-{second.id}"' in changed and 'hx-swap-oob="true"' in changed
    assert f"{second.id}.2.confirmed" in changed
    assert f'id="order-{first.id}"' not in changed and f'id="order-{third.id}"' not in changed
    assert 'id="status-counts"' in changed and 'id="board-poll"' in changed
    assert "hx-preserve" in changed  # the row keeps the checkbox and note on the page

    # the page now shows the new version: the next poll with it is quiet again
    now_shown = [s for s in shown_in(html) if not s.startswith(f"{second.id}.")]
    now_shown.append(f"{second.id}.2.confirmed")
    assert poll(client, changed, now_shown).status_code == 204

    fourth = place(shop)
    arrived = poll(client, changed, now_shown).get_data(as_text=True)
    assert 'hx-swap-oob="afterbegin:#board-rows"' in arrived
    assert numbers_in(arrived) == [fourth.number]


def test_an_order_older_than_the_loaded_pages_waits_for_load_more(client, staff, login, shop):
    orders = [place(shop) for _ in range(52)]
    login(staff)
    html = page_of(client, "/board/?status=confirmed&status=pending")
    oldest = re.search(r'name="oldest" value="([^"]+)"', html).group(1)
    token = csrf_token_from(client, "/board/")
    walk(orders[0], "confirmed")  # the oldest order, not on the first page
    newest = walk(orders[-1], "confirmed")
    response = client.post(
        poll_of(html),
        data={"shown": shown_in(html), "oldest": oldest},
        headers={**HTMX, "X-CSRFToken": token},
    )
    sent = response.get_data(as_text=True)
    assert f'id="order-{newest.id}"' in sent
    assert f'id="order-{orders[0].id}"' not in sent


# --- actions ------------------------------------------------------------------------------------


def test_one_order_moves_with_its_fresh_row_and_the_counts(client, staff, login, shop):
    order = place(shop)
    login(staff)
    response = post(client, f"/board/rows/{order.number}/status", {"to": "confirmed", "version": 1})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert Order.get_by_id(order.id).status == "confirmed"
    assert f"{order.id}.2.confirmed" in html and 'id="status-counts"' in html
    assert f"Order #{order.number} is now Confirmed." in html


def test_a_stale_single_change_is_a_409_with_the_fresh_row(client, staff, login, shop):
    order = walk(place(shop), "confirmed")  # version 2 now; the page saw version 1
    login(staff)
    response = post(client, f"/board/rows/{order.number}/status", {"to": "cancelled", "version": 1})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed this order a moment ago" in html
    assert f"{order.id}.2.confirmed" in html  # the fresh row, to act on again
    assert Order.get_by_id(order.id).status == "confirmed"


def test_two_staff_changing_one_order_at_once_one_gets_a_conflict(app):
    """Two real threads, two signed-in staff, one order at version 1: one wins, one is told."""
    with app.app_context():  # and no longer: each request needs its own context (g)
        order = place({"version": published_version(), "product": make_product(10)})
        people = [make_user("staff"), make_user("staff")]
    clients, tokens = [app.test_client() for _ in people], []
    for client, person in zip(clients, people, strict=True):
        client.set_cookie("locale", "en")
        token = csrf_token_from(client, "/login")
        client.post(
            "/login", data={"csrf_token": token, "email": person.email, "password": PASSWORD}
        )
        tokens.append(csrf_token_from(client, "/board/"))
    db.close()
    barrier, answers = threading.Barrier(2), {}

    def act(i: int, to_status: str):
        barrier.wait()
        response = clients[i].post(
            f"/board/rows/{order.number}/status",
            data={"csrf_token": tokens[i], "to": to_status, "version": 1},
            headers={**HTMX, "X-CSRFToken": tokens[i]},
        )
        answers[to_status] = (response.status_code, response.get_data(as_text=True))
        db.close()

    threads = [
        threading.Thread(target=act, args=(0, "confirmed")),
        threading.Thread(target=act, args=(1, "cancelled")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(code for code, _ in answers.values()) == [200, 409]
    winner = next(to for to, (code, _) in answers.items() if code == 200)
    loser_html = next(html for code, html in answers.values() if code == 409)
    stored = Order.get_by_id(order.id)
    assert (stored.status, stored.version) == (winner, 2)
    assert "Someone else changed this order a moment ago" in loser_html
    assert f"{order.id}.2.{winner}" in loser_html
    assert (
        OrderEvent.select().where(OrderEvent.order == order.id, OrderEvent.kind == "status").count()
        == 1
    )


def test_a_bulk_move_reports_each_order_that_could_not_move(client, staff, login, shop):
    movable = [place(shop), place(shop)]
    done = walk(place(shop), "completed")
    gone = walk(place(shop), "cancelled")
    stale = place(shop)
    login(staff)
    html = page_of(client, "/board/?created=all")
    walk(stale, "confirmed")  # after the page was shown: its version there is old
    targets = [*movable, done, gone, stale]
    response = post(
        client,
        "/board/bulk?created=all",
        {
            "action": "status",
            "to": "confirmed",
            "ids": [o.id for o in targets],
            "shown": shown_in(html),
        },
    )
    report = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Changed: 2 · Not changed: 3" in report
    assert f"Order #{done.number} cannot go from Completed to Confirmed." in report
    assert f"Order #{gone.number} cannot go from Cancelled to Confirmed." in report
    assert re.search(rf"#{stale.number}</a> Someone else changed this order", report)
    assert [Order.get_by_id(o.id).status for o in targets] == [
        "confirmed",
        "confirmed",
        "completed",
        "cancelled",
        "confirmed",
    ]
    for order in targets:  # every touched row comes back fresh; refused ones stay selected
        assert f'id="order-{order.id}"' in report
    assert re.search(rf'id="pick-{done.id}"[^>]*checked', report)
    assert not re.search(rf'id="pick-{movable[0].id}"[^>]*checked', report)


def test_bulk_assign_and_note_and_without_javascript(client, staff, login, shop):
    orders = [place(shop), place(shop)]
    login(staff)
    ids = [o.id for o in orders]
    response = post(client, "/board/bulk", {"action": "assign", "assignee": staff.id, "ids": ids})
    assert "Changed: 2 · Not changed: 0" in response.get_data(as_text=True)
    assert {Order.get_by_id(i).assignee_id for i in ids} == {staff.id}
    response = post(
        client, "/board/bulk", {"action": "note", "body": "Call first", "ids": ids}, htmx=False
    )
    assert response.status_code == 303 and response.headers["Location"] == "/board/"
    assert Note.select().where(Note.body == "Call first").count() == 2
    assert "Changed: 2" in page_of(client)  # flashed on the board it returns to
    assert post(client, "/board/bulk", {"action": "note", "body": "x"}).status_code == 422


def test_a_note_and_an_assignment_on_one_row(client, staff, login, shop):
    order = place(shop)
    login(staff)
    response = post(client, f"/board/rows/{order.number}/notes", {"body": "  Wants it early  "})
    assert response.status_code == 200
    assert f'id="note-{order.id}" hx-swap-oob="true"' in response.get_data(as_text=True)
    assert Note.get(Note.order == order.id).body == "Wants it early"
    assert post(client, f"/board/rows/{order.number}/notes", {"body": " "}).status_code == 422
    response = post(
        client, f"/board/rows/{order.number}/assignee", {"assignee": staff.id, "version": 1}
    )
    assert response.status_code == 200 and Order.get_by_id(order.id).assignee_id == staff.id


def test_an_order_of_a_deactivated_staff_member_still_shows_them_as_its_assignee(
    client, staff, login, shop
):
    leaver = User.register("old.li@example.com", "Old Li", PASSWORD, role="staff")
    order = place(shop)
    login(staff)
    assigned = post(
        client, f"/board/rows/{order.number}/assignee", {"assignee": leaver.id, "version": 1}
    )
    assert assigned.status_code == 200
    User.update(active=False).where(User.id == leaver.id).execute()
    g.pop("board_staff", None)  # read once per request; here the test's app context outlives it

    html = client.get("/board/?created=all").get_data(as_text=True)
    row = html[html.index(f'id="order-{order.id}"') :]
    row = row[: row.index("</tr>")]
    assert f'<option value="{leaver.id}" selected>Old Li (no longer active)</option>' in row

    # sending the row's form unchanged (the button without JavaScript) keeps them
    post_assignee = post(
        client, f"/board/rows/{order.number}/assignee", {"assignee": leaver.id, "version": 2}
    )
    assert post_assignee.status_code == 200
    assert Order.get_by_id(order.id).assignee_id == leaver.id
    # but nobody can give them a new order
    other = place(shop)
    refused = post(
        client, f"/board/rows/{other.number}/assignee", {"assignee": leaver.id, "version": 1}
    )
    assert refused.status_code == 400 and Order.get_by_id(other.id).assignee_id is None


# --- saved views --------------------------------------------------------------------------------


def test_saved_views_are_saved_listed_and_deleted_per_user(client, staff, login, shop):
    login(staff)
    response = post(
        client, "/board/views?status=pending&q=8000&view=columns", {"name": " Mine  pending "}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    saved = SavedView.get(SavedView.user == staff.id)
    assert (saved.name, saved.query) == (
        "Mine pending",
        "status=pending&created=all&q=8000&view=columns",
    )
    assert f'href="/board/?{saved.query.replace("&", "&amp;")}"' in html
    assert post(client, "/board/views", {"name": ""}).status_code == 422
    other = SavedView.create(user=make_user("staff"), name="Theirs", query="created=all")
    assert post(client, f"/board/views/{other.id}/delete", {}).status_code == 404
    assert post(client, f"/board/views/{saved.id}/delete", {}).status_code == 200
    assert list(SavedView.select()) == [other]
