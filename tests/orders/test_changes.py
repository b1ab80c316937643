"""Change detection without clocks (models/orders/changes.py): whatever writes an order (the app, a
hand-written SQL fix, an import) and whatever time it writes into updated_at, the board, the
接龙 list and the tracking page notice the change. Over HTTP; tests/board/test_live_board_browser.py
shows the same on an open board in Chromium."""

import re
from datetime import timedelta
from html import unescape

import pytest

from models.base import utcnow
from models.db import db
from models.orders.changes import Watch, unchanged, watch_now
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order, OrderLine
from tests.factories import order_for
from tests.helpers import (
    HTMX,
    confirmed_but_committed_late,
    csrf_token_from,
    run_in_thread,
    shown_in,
)

DAY = timedelta(days=1)
# Longer than the 5 s window the clock-based board allowed a late commit: a transaction that
# took its time (a slow payment callback, a lock wait) and commits after later ones.
LATE = 6


pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def shop(app_context, make_shop):
    return make_shop(
        products={"product": {"on_hand": 1000, "name": "Apples"}},
        settings={"show_chain_list": True},
    )


def place(shop, quantity: int = 1, **options) -> Order:
    return order_for(shop["version"], [(shop["product"], quantity)], **options)


def numbers(order: Order) -> tuple[int, int]:
    return Order.select(Order.change_seq, Order.change_tx).where(Order.id == order.id).tuples()[0]


def hand_fix(order: Order, **columns) -> None:
    """A hand-written SQL UPDATE, as an operator would run it: no app code, any updated_at."""
    sets = ", ".join(f"{name} = {db.obj.param}" for name in columns)
    db.execute_sql(
        f'UPDATE "order" SET {sets} WHERE id = {db.obj.param}', [*columns.values(), order.id]
    )


# --- the numbers -------------------------------------------------------------------------------


def test_every_write_of_an_order_gives_it_a_higher_number_whoever_makes_it(shop):
    order = place(shop)
    seen = [numbers(order)[0]]
    assert seen[0] > 0 and numbers(order)[1] > 0

    transition_order(order, "confirmed", Actor.system())  # the app
    seen.append(numbers(order)[0])
    hand_fix(order, status="processing", updated_at=utcnow() - DAY)  # an operator
    seen.append(numbers(order)[0])
    stale = Order.get_by_id(order.id)
    stale.change_seq = 0  # a model saved with whatever it holds
    stale.save()
    seen.append(numbers(order)[0])
    other = place(shop)  # a new order, numbered after all of them
    seen.append(numbers(other)[0])

    assert seen == sorted(set(seen)), seen


def test_an_unchanged_database_keeps_its_watch_and_any_write_moves_it(shop):
    order = place(shop)
    watch = watch_now()
    assert unchanged(watch)
    assert Watch.from_args(dict(watch.to_args())) == watch
    hand_fix(order, address="2 River Rd")  # not even the version moves
    assert not unchanged(watch)
    assert unchanged(watch_now())


@pytest.mark.parametrize("since", ["", "x", "-1", "²", "1e3", "99999999999999999999", " 1"])
def test_a_watch_in_a_url_is_digits_that_fit_the_database_or_nothing(since):
    assert Watch.from_args({"since": since, "sig": "1.2"}) is None


# --- the board ---------------------------------------------------------------------------------


def open_board(client, staff, login) -> str:
    login(staff)
    response = client.get("/board/?created=all")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def poll(client, html: str, shown: list[str] | None = None) -> tuple[int, str]:
    """The board's poll with the watch in `html` (a page, or what the last poll sent), telling
    the orders it shows (by default those in `html`)."""
    url = unescape(re.search(r'id="board-poll"[^>]*hx-post="([^"]+)"', html).group(1))
    shown = shown_in(html) if shown is None else shown
    token = csrf_token_from(client, "/board/")
    response = client.post(url, data={"shown": shown}, headers={**HTMX, "X-CSRFToken": token})
    return response.status_code, response.get_data(as_text=True)


def test_an_order_dated_a_day_ahead_does_not_blind_the_board(client, staff, login, shop):
    imported = place(shop)
    hand_fix(imported, updated_at=utcnow() + DAY)  # an import, or a server whose clock is ahead
    html = open_board(client, staff, login)
    assert poll(client, html)[0] == 204

    arrived = place(shop)

    status, changes = poll(client, html)
    assert status == 200 and f'id="order-{arrived.id}"' in changes


def test_a_change_dated_a_day_back_reaches_the_board(client, staff, login, shop):
    order = place(shop)
    html = open_board(client, staff, login)

    hand_fix(order, status="confirmed", updated_at=utcnow() - DAY)  # version left as it was

    status, changes = poll(client, html)
    assert status == 200 and f'id="order-{order.id}"' in changes
    assert f"{order.id}.{order.version}.confirmed" in changes
    assert poll(client, changes.replace(".pending", ".confirmed"))[0] == 204


def test_a_transaction_that_commits_after_a_later_one_reaches_the_board(
    app, client, staff, login, shop
):
    """A is changed first and committed last, B placed meanwhile; the board, having seen B,
    still sees A when it commits. PostgreSQL commits them in that order; SQLite's writers
    queue, so there B waits and A commits first."""
    first = place(shop)
    html = open_board(client, staff, login)
    shown = shown_in(html)
    with confirmed_but_committed_late(app, first, LATE):

        def place_second():
            with app.app_context():
                return place(shop)

        second = run_in_thread(place_second)
        status, seen_second = poll(client, html, shown)
        assert status == 200 and f'id="order-{second.id}"' in seen_second

    _, seen_first = poll(client, seen_second, shown)  # the watch that came with B
    assert f"{first.id}.2.confirmed" in seen_second + seen_first


# --- the tracking page and the 接龙 list -------------------------------------------------------


def test_the_tracking_page_sees_a_hand_fix_that_left_the_version(client, shop):
    order = place(shop)
    html = client.get(f"/o/{order.tracking_token}").get_data(as_text=True)
    url = unescape(re.search(r'id="order-live" hx-get="([^"]+)"', html).group(1))
    assert client.get(url, headers=HTMX).status_code == 204

    hand_fix(order, status="confirmed", updated_at=utcnow() - DAY)

    response = client.get(url, headers=HTMX)
    assert response.status_code == 200 and 'data-status="confirmed"' in response.get_data(
        as_text=True
    )


def test_the_list_sees_an_edit_dated_before_the_newest_order(client, shop):
    edited = place(shop, quantity=1)
    place(shop, quantity=1)
    slug = shop["version"].template.slug
    html = client.get(f"/f/{slug}/list").get_data(as_text=True)
    url = unescape(re.search(r'id="chain"[^>]*hx-get="([^"]+)"', html).group(1))
    assert client.get(url, headers=HTMX).status_code == 204

    with db.atomic():  # a quantity fixed by hand, the order's updated_at set back a day
        OrderLine.update(quantity=5).where(OrderLine.order == edited.id).execute()
        hand_fix(edited, updated_at=utcnow() - DAY)

    response = client.get(url, headers=HTMX)
    assert response.status_code == 200 and "×5" in response.get_data(as_text=True)
