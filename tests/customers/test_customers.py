"""The customers directory (/customers): counts and spend as the order page's customer card
shows them, search by name, phone or its last 4 digits, the tag filter, keyset pages, the
customer's page (every order, the notes on them, tags), the latest-order table the triggers of
migration 0013 keep, and a phone in Chromium. Screenshot: docs/screenshots/customers-phone.png.
"""

import re
from datetime import datetime, timedelta

import pytest

from models.board.directory import LatestOrder
from models.customers.customer import Customer
from models.orders.lifecycle import Actor, transition_order
from models.orders.notes import add_note
from models.orders.order import Order, OrderEvent
from models.schema import upgrade
from tests.factories import order_for
from tests.helpers import (
    EN,
    HTMX,
    assert_fits_the_screen,
    assert_tap_targets_are_big_enough,
    screenshot,
    selects_while,
    sign_in,
)
from tests.house.test_migrations import empty_database, write_rows_at_0001  # noqa: F401 a fixture

ALICE, WANG, BOB = "+8613800138000", "+8613900139123", "+8613700137000"
ROW_ID = re.compile(r'<tr id="customer-(\d+)"')
MORE = re.compile(r'id="customers-more".*?href="([^"]+)"', re.S)


@pytest.fixture
def shop(make_shop):
    return make_shop(products={"pears": {"on_hand": 500, "price": 800, "name": "Pears"}}, limit=50)


def place(shop, name="Alice", phone=ALICE, quantity=1, at=None) -> Order:
    order = order_for(shop["version"], [(shop["pears"], quantity)], name=name, phone=phone)
    if at is not None:  # as the demo shop dates its orders back
        Order.update(created_at=at).where(Order.id == order.id).execute()
    return Order.get_by_id(order.id)


def listed(html: str) -> list[int]:
    return [int(customer_id) for customer_id in ROW_ID.findall(html)]


def row_of(html: str, customer_id: int) -> str:
    start = html.index(f'<tr id="customer-{customer_id}"')
    return html[start : html.index("</tr>", start)]


def cell(row: str, label: str) -> str:
    return re.search(rf'data-label="{label}">(.*?)</td>', row, re.S).group(1).strip()


def get(client, url, headers=EN, **query):
    response = client.get(url, headers=headers, query_string=query or None)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


# --- the list ---------------------------------------------------------------------------------


def test_the_list_counts_orders_and_spend_as_the_order_card_does(client, staff, login, shop):
    first = place(shop, quantity=1, at=datetime(2026, 4, 1))
    transition_order(first, "cancelled", Actor.of_user(staff))  # ¥8 not spent
    place(shop, quantity=2, at=datetime(2026, 4, 15))
    latest = place(shop, quantity=1, at=datetime(2026, 5, 1, 16, 30))  # 00:30 on May 2 in Shanghai
    bob = place(shop, name="Bob", phone=BOB, quantity=5)
    alice = latest.customer_id
    login(staff)

    row = row_of(get(client, "/customers/"), alice)
    card = get(client, f"/board/orders/{latest.number}")
    card = card[card.index('id="customer-heading"') : card.index('id="timeline"')]

    card_orders = re.search(r"<dt>Orders</dt><dd>(\d+)</dd>", card).group(1)
    card_spent = re.search(r"<dt>Total spent</dt><dd>(\S+) ", card).group(1)
    assert (cell(row, "Orders"), cell(row, "Total spent")) == (card_orders, card_spent)
    assert card_spent == "CN¥24.00"  # 2 × ¥8 + ¥8, the cancelled order left out
    assert "Alice" in row and "138 0013 8000" in row and f'href="tel:{ALICE}"' in row
    assert "May 2, 2026, 12:30" in cell(row, "Last order")  # the shop's time zone
    assert cell(row_of(get(client, "/customers/"), bob.customer_id), "Total spent") == "CN¥40.00"


def test_customers_are_listed_by_their_latest_order_newest_first(client, staff, login, shop):
    early = place(shop, name="Early", phone=ALICE, at=datetime(2026, 3, 1))
    place(shop, name="Middle", phone=WANG, at=datetime(2026, 3, 2))
    place(shop, name="Late", phone=BOB, at=datetime(2026, 3, 3))
    login(staff)
    by_phone = {c.phone: c.id for c in Customer.select()}
    assert listed(get(client, "/customers/")) == [by_phone[BOB], by_phone[WANG], by_phone[ALICE]]

    place(shop, name="Early", phone=ALICE)  # a new order today
    assert listed(get(client, "/customers/")) == [by_phone[ALICE], by_phone[BOB], by_phone[WANG]]

    Order.update(created_at=datetime(2026, 2, 1)).where(  # both of Early's orders dated back
        Order.customer == early.customer_id
    ).execute()
    assert listed(get(client, "/customers/")) == [by_phone[BOB], by_phone[WANG], by_phone[ALICE]]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("alice", ["Alice Wong"]),  # the name, ignoring case
        ("ALICE W", ["Alice Wong"]),
        ("王", ["王芳"]),
        ("138 0013 8000", ["Alice Wong"]),  # the phone as typed
        ("+86 138-0013-8000", ["Alice Wong"]),
        ("8000", ["Alice Wong"]),  # its last 4 digits
        ("9123", ["王芳"]),
        ("13900139", ["王芳"]),  # digits anywhere in the phone
        ("Zed", []),
    ],
)
def test_search_by_name_phone_or_last_4_digits(client, staff, login, shop, typed, found):
    place(shop, name="Alice Wong", phone=ALICE)
    place(shop, name="王芳", phone=WANG)
    place(shop, name="Bob", phone=BOB)  # 7000: never found by the searches above
    names = {c.id: c.name for c in Customer.select()}
    login(staff)

    html = get(client, "/customers/", q=typed)

    assert [names[i] for i in listed(html)] == found
    assert f'value="{typed}"' in html  # the search box keeps what was typed
    if not found:
        assert f"No customer matches “{typed}”." in html


def test_an_htmx_search_swaps_the_list_and_pushes_its_url(client, staff, login, shop):
    place(shop, name="Alice Wong", phone=ALICE)
    place(shop, name="Bob", phone=BOB)
    login(staff)

    response = client.get("/customers/?q=8000&tag=", headers=HTMX)

    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="customer-list"')
    assert "<html" not in html and "customer-search" not in html
    assert len(listed(html)) == 1
    assert response.headers["HX-Push-Url"] == "/customers/?q=8000"  # the empty tag left out
    assert "HX-Request" in response.headers["Vary"]


def test_the_tag_filter_offers_the_tags_in_use_and_ignores_case(client, staff, login, shop):
    alice = place(shop, name="Alice", phone=ALICE).customer_id
    wang = place(shop, name="王芳", phone=WANG).customer_id
    place(shop, name="Bob", phone=BOB)
    Customer.update(tags=["VIP"]).where(Customer.id == alice).execute()
    Customer.update(tags=["vip", "团长"]).where(Customer.id == wang).execute()
    login(staff)

    page = get(client, "/customers/")
    chips = re.findall(r'name="tag" value="([^"]*)"', page)
    assert chips == ["", "VIP", "团长"]  # "Any", then one chip per tag whatever its case

    assert sorted(listed(get(client, "/customers/?tag=VIP"))) == sorted([alice, wang])
    assert sorted(listed(get(client, "/customers/?tag=vip"))) == sorted([alice, wang])
    assert listed(get(client, "/customers/?tag=团长")) == [wang]
    assert listed(get(client, "/customers/?tag=VIP&q=alice")) == [alice]
    checked = get(client, "/customers/?tag=vip")
    assert re.search(r'value="VIP" checked', checked)
    nobody = get(client, "/customers/?tag=gone")
    assert listed(nobody) == [] and "No customer has the tag gone." in nobody


def test_pages_list_every_customer_exactly_once(client, staff, login, shop):
    start = datetime(2026, 1, 1)
    for n in range(120):
        phone = f"+86139{n:08d}"
        if n < 10:  # an older second order changes nothing
            place(shop, name=f"Buyer {n:03d}", phone=phone, at=start - timedelta(days=1))
        # three customers at a time share the minute of their latest order: ids break the tie
        place(shop, name=f"Buyer {n:03d}", phone=phone, at=start + timedelta(minutes=n // 3))
    newest = sorted(LatestOrder.select(), key=lambda r: (r.created_at, r.order_id), reverse=True)
    expected = [row.customer_id for row in newest]
    login(staff)

    html = get(client, "/customers/")
    pages = [listed(html)]
    while more := MORE.search(html):
        html = get(client, more.group(1).replace("&amp;", "&"), HTMX)
        assert "<html" not in html  # rows to append, not a page
        pages.append(listed(html))

    assert [len(page) for page in pages] == [50, 50, 20]
    assert [customer for page in pages for customer in page] == expected
    assert len(set(expected)) == 120

    # Without JavaScript "More" opens the list at the cursor, with a way back to the top.
    first_more = MORE.search(get(client, "/customers/")).group(1).replace("&amp;", "&")
    second = get(client, first_more)
    assert "<html" in second and listed(second) == pages[1]
    assert "Back to the customers who ordered last" in second

    # A search pages the same way, keeping the search in "More".
    html = get(client, "/customers/?q=buyer 0")
    found = listed(html)
    more = MORE.search(html).group(1).replace("&amp;", "&")
    assert "q=buyer+0" in more
    found += listed(get(client, more, HTMX))
    names = {c.id: c.name for c in Customer.select()}
    assert found == [c for c in expected if names[c].startswith("Buyer 0")]
    assert len(found) == 100


def test_the_list_reads_the_same_few_queries_for_3_or_60_customers(client, staff, login, shop):
    for n in range(3):
        place(shop, name=f"Few {n}", phone=f"+86137{n:08d}")
    login(staff)
    few = selects_while(client, "/customers/", EN)
    for n in range(3, 60):
        place(shop, name=f"Many {n}", phone=f"+86137{n:08d}")
    many = selects_while(client, "/customers/", EN)
    assert len(listed(get(client, "/customers/"))) == 50
    assert len(many) == len(few), many


# --- one customer -----------------------------------------------------------------------------


def test_the_customer_page_lists_every_order_and_the_notes_on_them(client, staff, login, shop):
    orders = [
        place(shop, quantity=n + 1, at=datetime(2026, 4, 1) + timedelta(days=n)) for n in range(7)
    ]
    transition_order(orders[0], "cancelled", Actor.of_user(staff))
    place(shop, name="Bob", phone=BOB)
    add_note(orders[1], author=staff, body="Asked where the pears are", kind="call")
    add_note(orders[5], author=staff, body="Sent the pickup address", kind="chat")
    alice = orders[0].customer_id
    login(staff)

    html = get(client, f"/customers/{alice}")

    numbers = re.findall(r'<th scope="row"><a href="/board/orders/(\d+)">', html)
    assert numbers == [str(order.number) for order in reversed(orders)]  # all 7, newest first
    assert "Cancelled" in html and "Pears ×7" in html and "CN¥56.00" in html
    assert re.search(r"<dt>Orders</dt><dd>7</dd>", html)
    notes = html[html.index('id="notes-heading"') :]
    assert notes.index("Sent the pickup address") < notes.index("Asked where the pears are")
    assert "Chat message" in notes and "Phone call" in notes
    assert f'href="/board/orders/{orders[5].number}">Order #{orders[5].number}' in notes
    assert "Bob" not in html
    assert client.get("/customers/999999", headers=EN).status_code == 404


def test_the_order_page_links_the_customer_to_their_page(client, staff, login, shop):
    order = place(shop)
    login(staff)
    html = get(client, f"/board/orders/{order.number}")
    assert f'<a href="/customers/{order.customer_id}">Alice</a>' in html


def test_tags_are_added_and_removed_on_the_customer_page(client, staff, login, post_form, shop):
    order = place(shop)
    customer_id = order.customer_id
    url = f"/customers/{customer_id}"
    login(staff)

    added = post_form(f"{url}/tags", {"tag": " VIP "}, page=url, headers=HTMX)

    html = added.get_data(as_text=True)
    assert added.status_code == 200
    assert html.lstrip().startswith('<section id="customer-card"')
    assert "<span>VIP</span>" in html and f'hx-post="{url}/tags/remove"' in html
    assert Customer.get_by_id(customer_id).tags == ["VIP"]
    assert OrderEvent.select().where(OrderEvent.kind == "tagged").count() == 0  # no order

    twice = post_form(f"{url}/tags", {"tag": "vip"}, page=url, headers=HTMX)
    assert twice.status_code == 422
    assert "The customer already has this tag." in twice.get_data(as_text=True)

    removed = post_form(f"{url}/tags/remove", {"tag": "vip"}, page=url, headers=HTMX)
    assert removed.status_code == 200 and "No tags yet." in removed.get_data(as_text=True)
    assert Customer.get_by_id(customer_id).tags == []

    plain = post_form(f"{url}/tags", {"tag": "团长"}, page=url, headers=EN)  # no JavaScript
    assert (plain.status_code, plain.headers["Location"]) == (303, url)
    assert Customer.get_by_id(customer_id).tags == ["团长"]
    refused = post_form(f"{url}/tags", {"tag": "x" * 41}, page=url, headers=EN)
    assert refused.status_code == 422 and "<html" in refused.get_data(as_text=True)


# --- who may see it ---------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, shop):
    customer_id = place(shop).customer_id
    for url in ("/customers/", f"/customers/{customer_id}"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_staff_find_customers_in_the_nav_after_orders(client, staff, login):
    login(staff)
    html = get(client, "/board/")
    assert re.search(r'>Orders</a>\s*<a href="/customers/"\s*>Customers</a>', html)
    assert 'aria-current="page">Customers' in get(client, "/customers/")


# --- the latest-order table -------------------------------------------------------------------


@pytest.mark.usefixtures("empty_database")
def test_migration_0013_fills_the_latest_orders_of_existing_customers():
    upgrade(target="0001_initial")
    ids = write_rows_at_0001()  # 王芳 with one order, Grace with none
    upgrade(target="0012_stock_movements")

    upgrade()

    rows = [(row.customer_id, row.order_id) for row in LatestOrder.select()]
    assert rows == [(ids["customer"], ids["order"])]
    copied = {
        f.name: getattr(Order.get_by_id(ids["order"]), f.name) for f in Order._meta.sorted_fields
    }
    del copied["id"]
    copied |= {"number": 10002, "tracking_token": "tok-newer", "submission_key": "key-newer"}
    newer = Order.insert(copied | {"created_at": datetime(2030, 1, 1)}).execute()
    assert LatestOrder.get_by_id(ids["customer"]).order_id == newer  # the trigger's work
    Order.delete().where(Order.id == newer).execute()
    assert LatestOrder.get_by_id(ids["customer"]).order_id == ids["order"]


# --- on a phone -------------------------------------------------------------------------------


@pytest.mark.browser
def test_finding_a_customer_by_the_last_4_digits_on_a_phone(phone_page, staff, shop):
    caller = "+8613812344321"
    orders = [place(shop, name="李秀英", phone=caller, quantity=n + 1) for n in range(3)]
    transition_order(orders[0], "confirmed", Actor.of_user(staff))
    add_note(
        orders[2], author=staff, body="Called: where is my order? Ready on Saturday.", kind="call"
    )
    Customer.update(tags=["VIP"]).where(Customer.id == orders[0].customer_id).execute()
    for n, name in enumerate(["王芳", "Grace Lee", "张伟", "陈静"]):
        place(shop, name=name, phone=f"+86139{n:04d}{n:04d}", quantity=n + 1)
    page = phone_page
    page.goto("/login")
    sign_in(page, staff)
    page.wait_for_url("**/board/**")

    page.get_by_role("link", name="Customers").click()
    page.wait_for_url("**/customers/")
    assert page.locator("#customer-rows tr[id^=customer-]").count() == 5
    assert_fits_the_screen(page)
    assert_tap_targets_are_big_enough(page)

    page.fill("#customer-q", "4321")
    page.wait_for_function(
        "() => document.querySelectorAll('#customer-rows tr[id^=customer-]').length === 1"
    )
    assert "q=4321" in page.url
    row = page.locator("#customer-rows tr").first
    assert "138 1234 4321" in row.inner_text() and "CN¥48.00" in row.inner_text()

    row.get_by_role("link", name="李秀英").click()
    page.wait_for_url(f"**/customers/{orders[0].customer_id}")
    assert page.get_by_role("heading", name="李秀英").is_visible()
    assert page.locator(".customer-order-list tbody tr").count() == 3
    assert "Called: where is my order?" in page.locator(".customer-notes").inner_text()
    assert_fits_the_screen(page)
    assert_tap_targets_are_big_enough(page)
    screenshot(page, "customers-phone.png")
