"""The picking list (totals per product over any filter) and the pickup list (search by the
phone's last 4 digits, one tap "Handed over")."""

import re
from collections import Counter as Tally

import pytest
from werkzeug.datastructures import MultiDict

from models.errors import StaleOrder
from models.fulfilment import NotConfirmed, hand_over, picking_list
from models.lifecycle import Actor, transition_order
from models.order import Order, OrderEvent
from models.order_filters import OrderFilter
from models.pickup import PickupPoint
from tests.factories import make_product, make_template, order_for, stock_of
from tests.helpers import csrf_token_from
from tests.test_browser import (
    assert_fits_the_screen,
    assert_tap_targets_are_big_enough,
    screenshot,
    sign_in,
)

EN = {"Accept-Language": "en"}
HTMX = {"HX-Request": "true", **EN}
PATH = ("confirmed", "processing", "ready", "completed")


def walk(order, status, user):
    """Move `order` forward to `status` (or cancel it) as staff."""
    actor = Actor.of_user(user)
    if status == "cancelled":
        return transition_order(order, "cancelled", actor)
    for step in PATH[: PATH.index(status) + 1] if status != "pending" else ():
        order = transition_order(order, step, actor)
    return order


@pytest.fixture
def shop(app, staff):
    """Two activities, three products, two pickup points and orders in every status."""
    apple = make_product(100, name="苹果", price=500, sku="APPLE")
    pear = make_product(100, name="梨", price=300, sku="PEAR")
    melon = make_product(100, name="哈密瓜", price=2000, sku="MELON")
    fruit = make_template(title="Fruit").publish()
    boxes = make_template(title="Boxes").publish()
    gate = PickupPoint.create(name="East gate", address="88 River Rd", window="Sat 10–12")
    metro = PickupPoint.create(name="Metro exit B")
    plan = [
        (fruit, [(apple, 2), (pear, 1)], gate, "ready", "+8613800001234"),
        (fruit, [(apple, 3)], gate, "processing", "+8613911111234"),
        (fruit, [(pear, 4), (melon, 1)], gate, "cancelled", "+8613800005555"),
        (fruit, [(melon, 2)], metro, "pending", "+8613800006666"),
        (boxes, [(apple, 5), (melon, 1)], gate, "confirmed", "+8613800007777"),
        (boxes, [(pear, 2)], gate, "completed", "+8613800008888"),
        (fruit, [(apple, 1)], gate, "pending", "+8613800009999"),
    ]
    orders = []
    for version, items, point, status, phone in plan:
        order = order_for(
            version, items, phone=phone, name=f"Buyer {phone[-4:]}", pickup_point=point
        )
        orders.append(walk(order, status, staff))
    return {
        "products": (apple, pear, melon),
        "templates": (fruit.template, boxes.template),
        "points": (gate, metro),
        "orders": orders,
    }


# --- picking ----------------------------------------------------------------------------------


def oracle(orders) -> dict[int, int]:
    """Quantity per product over `orders`, summed in Python, cancelled ones left out."""
    totals = Tally()
    for order in orders:
        if order.status != "cancelled":
            for line in order.lines:
                totals[line.product_id] += line.quantity
    return dict(totals)


@pytest.mark.parametrize(
    "args",
    [
        {"created": "all"},
        {"template": "fruit"},
        {"template": "boxes", "status": ["confirmed", "completed"]},
        {"pickup": "gate"},
        {"pickup": "metro", "template": "fruit"},
        {"status": "cancelled"},
        {},  # the default: today's open orders
    ],
)
def test_picking_totals_equal_a_python_sum_over_the_filtered_orders(
    app, client, staff, login, shop, args
):
    names = {"fruit": shop["templates"][0].id, "boxes": shop["templates"][1].id}
    names |= {"gate": shop["points"][0].id, "metro": shop["points"][1].id}
    query = MultiDict(
        [
            (k, str(names.get(v, v)))
            for k, vs in args.items()
            for v in ([vs] if isinstance(vs, str) else vs)
        ]
    )
    with app.test_request_context():
        order_filter = OrderFilter.from_args(query, staff)
        expected = oracle(order_filter.query())
        totals = {item.product_id: item.quantity for item in picking_list(order_filter.query())}
    assert totals == expected

    login(staff)
    response = client.get("/board/picking", query_string=query, headers=EN)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    shown = {
        sku: int(quantity)
        for sku, quantity in re.findall(
            r"<td>(\w+)</td>\s*<td class=\"num\"><strong>(\d+)</strong>", html
        )
    }
    skus = {p.id: p.sku for p in shop["products"]}
    assert shown == {skus[pid]: quantity for pid, quantity in expected.items()}


def test_the_picking_list_prints_its_filter_and_the_time(client, staff, login, shop):
    fruit = shop["templates"][0]
    login(staff)
    html = client.get(f"/board/picking?template={fruit.id}&status=ready", headers=EN).get_data(
        as_text=True
    )
    assert re.search(r"<dt>Activity</dt><dd>Fruit</dd>", html)
    assert re.search(r"<dt>Status</dt><dd>Ready</dd>", html)
    assert re.search(r"<dt>Placed</dt><dd>any time</dd>", html)
    assert re.search(r"printed \w{3} \d+, \d{4}", html)
    assert "Orders: 1 (cancelled ones left out)" in html
    assert "css/print.css" in html
    assert f'href="/board/export.xlsx?status=ready&amp;template={fruit.id}&amp;created=all"' in html


# --- pickup -----------------------------------------------------------------------------------


def test_the_pickup_points_show_what_waits_there(client, staff, login, shop):
    login(staff)
    html = client.get("/board/pickup", headers=EN).get_data(as_text=True)
    gate, metro = shop["points"]
    assert f'href="/board/pickup/{gate.id}"' in html and f'href="/board/pickup/{metro.id}"' in html
    assert "Ready: 1 · open: 4" in html  # ready, processing, confirmed, pending
    assert "Ready: 0 · open: 1" in html


def order_numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'id="pickup-order-(\d+)"', html)]


def test_the_pickup_list_shows_open_orders_ready_first_with_customers_and_items(
    client, staff, login, shop
):
    gate = shop["points"][0]
    ready, processing, _, _, confirmed, _, pending = shop["orders"]
    login(staff)
    html = client.get(f"/board/pickup/{gate.id}", headers=EN).get_data(as_text=True)
    assert order_numbers(html) == [o.number for o in (ready, processing, confirmed, pending)]
    row = html[html.index(f'id="pickup-order-{ready.number}"') :]
    row = row[: row.index("</li>\n</ul>") if "</li>\n</ul>" in row else len(row)]
    assert "Buyer 1234" in row and 'href="tel:+8613800001234"' in row and "138 0000 1234" in row
    assert "苹果 <strong>×2</strong>" in row and "梨 <strong>×1</strong>" in row
    assert html.count(">Handed over</button>") == 3  # not the pending one


@pytest.mark.parametrize(
    ("search", "which"),
    [("1234", [0, 1]), ("7777", [4]), ("#{n}", [1]), ("{n}", [1]), ("0000", []), ("abc", [])],
)
def test_searching_by_the_phones_last_four_digits_or_the_order_number(
    client, staff, login, shop, search, which
):
    gate = shop["points"][0]
    orders = shop["orders"]
    login(staff)
    term = search.format(n=orders[1].number)
    response = client.get(f"/board/pickup/{gate.id}", query_string={"q": term}, headers=HTMX)
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="pickup-orders"')
    assert sorted(order_numbers(html)) == sorted(orders[i].number for i in which)
    if not which:
        assert "No open order here matches." in html


def hand_over_url(point, order) -> str:
    return f"/board/pickup/{point.id}/orders/{order.number}/handed-over"


def test_handed_over_completes_the_order_records_it_and_consumes_the_stock(
    client, staff, login, post_form, shop
):
    apple, pear, _ = shop["products"]
    gate = shop["points"][0]
    ready = shop["orders"][0]
    before = {p.id: (stock_of(p).on_hand, stock_of(p).reserved) for p in (apple, pear)}
    login(staff)
    response = post_form(
        hand_over_url(gate, ready),
        {"version": ready.version},
        page=f"/board/pickup/{gate.id}",
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith(f'<li id="pickup-order-{ready.number}"')
    assert '<span class="status status-completed">Completed</span>' in html
    assert "Handed over to Buyer 1234." in html and ">Handed over</button>" not in html
    assert Order.get_by_id(ready.id).status == "completed"
    event = (
        OrderEvent.select().where(OrderEvent.order == ready.id).order_by(OrderEvent.id.desc()).get()
    )
    assert (event.from_status, event.to_status, event.actor_user_id) == (
        "ready",
        "completed",
        staff.id,
    )
    assert event.note == "Handed over at East gate"
    assert (stock_of(apple).on_hand, stock_of(apple).reserved) == (
        before[apple.id][0] - 2,
        before[apple.id][1] - 2,
    )
    assert (stock_of(pear).on_hand, stock_of(pear).reserved) == (
        before[pear.id][0] - 1,
        before[pear.id][1] - 1,
    )


def test_an_order_not_yet_ready_is_walked_through_ready_to_completed(app, staff, shop):
    processing = shop["orders"][1]
    done = hand_over(processing, Actor.of_user(staff), expected_version=processing.version)
    assert done.status == "completed"
    steps = [
        (e.from_status, e.to_status)
        for e in OrderEvent.select()
        .where(OrderEvent.order == processing.id)
        .order_by(OrderEvent.id)
        if e.kind == "status"
    ]
    assert steps[-2:] == [("processing", "ready"), ("ready", "completed")]


def test_a_pending_order_is_not_handed_over(client, staff, login, post_form, shop):
    gate = shop["points"][0]
    pending = shop["orders"][6]
    with pytest.raises(NotConfirmed):
        hand_over(pending, Actor.of_user(staff), expected_version=pending.version)
    login(staff)
    response = post_form(
        hand_over_url(gate, pending),
        {"version": pending.version},
        page="/board/pickup",
        headers=HTMX,
    )
    assert response.status_code == 409
    assert "still pending" in response.get_data(as_text=True)
    assert Order.get_by_id(pending.id).status == "pending"


def test_a_stale_tap_is_a_conflict_with_the_fresh_row(client, staff, login, post_form, shop):
    gate = shop["points"][0]
    ready = shop["orders"][0]
    transition_order(ready, "completed", Actor.of_user(staff))  # a colleague was faster
    with pytest.raises(StaleOrder):
        hand_over(ready, Actor.of_user(staff), expected_version=ready.version)
    login(staff)
    response = post_form(
        hand_over_url(gate, ready), {"version": ready.version}, page="/board/pickup", headers=HTMX
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else changed this order a moment ago" in html
    assert '<span class="status status-completed">Completed</span>' in html
    assert OrderEvent.select().where(OrderEvent.to_status == "completed").count() == 2


def test_without_javascript_handed_over_goes_back_to_the_list(
    client, staff, login, post_form, shop
):
    gate = shop["points"][0]
    ready = shop["orders"][0]
    login(staff)
    response = post_form(
        hand_over_url(gate, ready), {"version": ready.version, "q": "1234"}, page="/board/pickup"
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/board/pickup/{gate.id}?q=1234"
    assert Order.get_by_id(ready.id).status == "completed"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/board/picking"),
        ("GET", "/board/pickup"),
        ("GET", "/board/pickup/{point}"),
        ("POST", "/board/pickup/{point}/orders/{number}/handed-over"),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, shop, method, path):
    ready = shop["orders"][0]
    url = path.format(point=shop["points"][0].id, number=ready.number)
    token = csrf_token_from(client, "/login")
    response = client.open(url, method=method, headers={"X-CSRFToken": token})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert Order.get_by_id(ready.id).status == "ready"


# --- on a phone -------------------------------------------------------------------------------


@pytest.mark.browser
def test_handing_over_on_a_phone(phone_page, staff, shop):
    gate = shop["points"][0]
    ready = shop["orders"][0]
    page = phone_page
    page.goto("/login")
    sign_in(page, staff)
    page.wait_for_url("**/board/**")
    page.goto("/board/pickup")
    page.get_by_role("link", name=re.compile("East gate")).click()
    page.wait_for_url(f"**/board/pickup/{gate.id}")
    assert page.locator(".pickup-order").count() == 4
    assert_fits_the_screen(page)
    assert_tap_targets_are_big_enough(page)

    page.fill("#q", "1234")
    page.wait_for_function("() => document.querySelectorAll('.pickup-order').length === 2")
    assert "q=1234" in page.url
    row = page.locator(f"#pickup-order-{ready.number}")
    assert "Ready" in row.inner_text()

    row.get_by_role("button", name="Handed over").click()
    row = page.locator(f"#pickup-order-{ready.number}")
    row.locator(".status-completed").wait_for()
    assert "Handed over to Buyer 1234." in row.inner_text()
    assert row.get_by_role("button", name="Handed over").count() == 0
    assert Order.get_by_id(ready.id).status == "completed"
    assert_fits_the_screen(page)
    screenshot(page, "pickup-phone.png")
