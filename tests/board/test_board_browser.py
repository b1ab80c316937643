"""The staff board in Chromium: filtering, a bulk confirm, live updates that keep the user's
selection and half-typed note, the keyboard, the column view, the phone. Screenshots go to
docs/screenshots/ (board-desktop.png, board-phone.png, board-columns-desktop.png)."""

import re

import pytest

from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order
from tests.factories import order_for
from tests.helpers import (
    assert_fits_the_screen,
    assert_tap_targets_are_big_enough,
    screenshot,
    sign_in,
)

pytestmark = pytest.mark.browser

PEOPLE = [
    ("王芳", "+8613800138000", "请挑大一点的"),
    ("Emily Chen", "+8613912345678", "picking up in the afternoon"),
    ("李娜", "+8613700001234", ""),
    ("Tom Zhou", "+8613600004321", "no onions"),
    ("陈静", "+8613500005678", "下午取"),
]


@pytest.fixture
def shop(app, make_shop):
    """Today's orders of a small activity, as customers placed them (all pending)."""
    made = make_shop(
        products={"product": {"on_hand": 100, "name": "丹东草莓 Strawberries", "price": 3990}},
        fields=[{"name": "name", "type": "short_text"}, {"name": "remark", "type": "long_text"}],
    )
    with app.app_context():
        orders = [
            order_for(
                made["version"],
                [(made["product"], 1 + i % 3)],
                name=name,
                phone=phone,
                answers={"name": name, "remark": remark},
            )
            for i, (name, phone, remark) in enumerate(PEOPLE)
        ]
    return made | {"app": app, "orders": orders}


def open_board(page, user, path="/board/"):
    page.goto(path)
    page.wait_for_url("**/login?next=*")
    sign_in(page, user)
    page.wait_for_url(f"**{path}")
    page.wait_for_function("() => window.htmx !== undefined")


def row(page, order):
    return page.locator(f"#order-{order.id}")


def shown_numbers(page) -> list[int]:
    return [
        int(n)
        for n in page.locator("#board .order").evaluate_all("els => els.map(e => e.dataset.number)")
    ]


def wait_for_rows(page, numbers: list[int]) -> None:
    """Until the board shows exactly these orders, in this order."""
    page.wait_for_function(
        "want => [...document.querySelectorAll('#board .order')]"
        ".map(e => +e.dataset.number).join() === want.join()",
        arg=numbers,
    )


def stored(shop, order) -> Order:
    with shop["app"].app_context():
        return Order.get_by_id(order.id)


def test_staff_filter_and_bulk_confirm_on_a_desktop(desktop_page, staff, shop):
    page, orders = desktop_page, shop["orders"]
    open_board(page, staff)
    assert sorted(shown_numbers(page)) == sorted(o.number for o in orders)
    page.evaluate("() => { window.__marker = 1 }")

    page.fill("#filter-q", "afternoon")  # answer text
    wait_for_rows(page, [orders[1].number])
    assert re.search(r"/board/\?.*q=afternoon", page.url), "the filter is kept in the URL"
    page.fill("#filter-q", "1234")  # the last 4 digits of 李娜's phone
    wait_for_rows(page, [orders[2].number])
    page.go_back()  # back to the previous filter
    page.wait_for_function("() => new URL(location).searchParams.get('q') === 'afternoon'")
    wait_for_rows(page, [orders[1].number])
    assert page.input_value("#filter-q") == "afternoon"

    page.fill("#filter-q", "")
    wait_for_rows(page, [o.number for o in reversed(orders)])
    assert page.evaluate("() => window.__marker") == 1, "filtering never reloaded the page"

    with shop["app"].app_context():  # one order moved on by someone else meanwhile
        transition_order(Order.get_by_id(orders[4].id), "cancelled", Actor.system())
    row(page, orders[4]).locator(".status", has_text="Cancelled").wait_for(timeout=3_000)
    for order in (orders[0], orders[3], orders[4]):
        row(page, order).locator("input[name=ids]").check()
    page.select_option("#bulk-to", "confirmed")
    page.locator("#bulk-form button[value=status]").click()
    report = page.locator("#board-message")
    report.get_by_text("Changed: 2 · Not changed: 1").wait_for()
    assert (
        f"Order #{orders[4].number} cannot go from Cancelled to Confirmed." in report.inner_text()
    )
    assert row(page, orders[0]).locator(".status").inner_text() == "Confirmed"
    assert row(page, orders[4]).locator(".status").inner_text() == "Cancelled"
    assert row(page, orders[4]).locator("input[name=ids]").is_checked()  # still selected
    assert not row(page, orders[0]).locator("input[name=ids]").is_checked()
    assert [stored(shop, o).status for o in orders] == [
        "confirmed",
        "pending",
        "pending",
        "confirmed",
        "cancelled",
    ]
    counts = page.locator("#status-counts").inner_text().split()
    assert dict(zip(counts[::2], counts[1::2], strict=True)) == {
        "Pending": "2",
        "Confirmed": "2",
        "Processing": "0",
        "Ready": "0",
        "Shipped": "0",
        "Completed": "0",
        "Cancelled": "1",
    }
    screenshot(page, "board-desktop.png")


def test_a_new_order_appears_and_a_changed_row_keeps_the_selection_and_note(
    desktop_page, staff, shop
):
    page, orders = desktop_page, shop["orders"]
    open_board(page, staff)
    row(page, orders[0]).locator("input[name=ids]").check()
    note = row(page, orders[0]).locator("details.note")
    note.locator("summary").click()
    note.locator("input[name=body]").fill("Call before 6")

    with shop["app"].app_context():  # a customer orders while the board is open
        arrived = order_for(shop["version"], [(shop["product"], 2)], name="新顾客")
        transition_order(Order.get_by_id(orders[0].id), "confirmed", Actor.system())
    new_row = row(page, arrived)
    new_row.wait_for(timeout=3_000)
    assert "fresh" in new_row.get_attribute("class")
    assert shown_numbers(page)[0] == arrived.number, "new orders come in at the top"
    row(page, orders[0]).locator(".status", has_text="Confirmed").wait_for(timeout=3_000)
    assert row(page, orders[0]).locator("input[name=ids]").is_checked()
    assert note.locator("input[name=body]").input_value() == "Call before 6"
    assert note.get_attribute("open") is not None

    # and the note, once added, is on the order
    note.locator("button[type=submit]").click()
    page.locator("#board-message").get_by_text(
        f"Note added to order #{orders[0].number}."
    ).wait_for()
    with shop["app"].app_context():
        assert [n.body for n in Order.get_by_id(orders[0].id).notes] == ["Call before 6"]


def test_the_keyboard_moves_selects_and_confirms(desktop_page, staff, shop):
    page, orders = desktop_page, shop["orders"]
    open_board(page, staff)
    page.locator("h1").click()
    page.keyboard.press("j")
    page.keyboard.press("j")  # the second row: the newest orders come first
    second = orders[-2]
    assert "focused" in row(page, second).get_attribute("class")
    page.keyboard.press("x")
    assert row(page, second).locator("input[name=ids]").is_checked()
    page.keyboard.press("c")
    row(page, second).locator(".status", has_text="Confirmed").wait_for()
    assert stored(shop, second).status == "confirmed"


def test_the_column_view_moves_a_confirmed_card(desktop_page, staff, shop):
    page, orders = desktop_page, shop["orders"]
    open_board(page, staff, "/board/?view=columns")
    pending = page.locator("#column-pending-cards")
    assert pending.locator(".order").count() == len(orders)
    card = pending.locator(f"[data-number='{orders[0].number}']")
    card.get_by_role("button", name="Confirm").click()
    page.locator(f"#column-confirmed-cards [data-number='{orders[0].number}']").wait_for()
    assert pending.locator(".order").count() == len(orders) - 1
    screenshot(page, "board-columns-desktop.png")


def test_the_board_on_a_phone(phone_page, staff, shop):
    page = phone_page
    open_board(page, staff)
    assert len(shown_numbers(page)) == len(shop["orders"])
    assert_fits_the_screen(page)
    assert_tap_targets_are_big_enough(page)
    screenshot(page, "board-phone.png")
