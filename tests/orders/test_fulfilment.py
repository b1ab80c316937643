"""The picking list (totals per product over any filter) and the pickup list (search by the
phone's last 4 digits, one tap "Handed over", collecting what is still owed in the same tap)."""

import re
from collections import Counter as Tally

import pytest
from werkzeug.datastructures import MultiDict

from models.board.filters import OrderFilter
from models.errors import StaleOrder, TransitionNotAllowed
from models.orders.fulfilment import NotConfirmed, hand_over, picking_list
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order, OrderEvent
from models.orders.payments import Payment, record_payment
from tests.factories import make_template, order_for, stock_of
from tests.helpers import (
    EN,
    HTMX,
    assert_fits_the_screen,
    assert_tap_targets_are_big_enough,
    csrf_token_from,
    make_user,
    race,
    screenshot,
    selects_while,
    sign_in,
)

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
def shop(app_context, staff, make_shop):
    """Two activities, three products, two pickup points and orders in every status."""
    made = make_shop(
        products={
            "apple": {"on_hand": 100, "name": "苹果", "price": 500, "sku": "APPLE"},
            "pear": {"on_hand": 100, "name": "梨", "price": 300, "sku": "PEAR"},
            "melon": {"on_hand": 100, "name": "哈密瓜", "price": 2000, "sku": "MELON"},
        },
        points={
            "gate": {
                "name": "East gate",
                "address": "88 River Rd",
                "hours": [{"day": 5, "from": "10:00", "until": "12:00"}],
            },
            "metro": {"name": "Metro exit B"},
        },
        fields=[{"name": "name", "type": "short_text"}],  # a bare template, as make_template's
        title="Fruit",
    )
    apple, pear, melon, gate, metro, fruit = made.values()
    boxes = make_template(title="Boxes").publish()
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
    # all unpaid: each open order but the pending one offers to collect its total on handover
    assert html.count(">Handed over, not paid</button>") == 3
    assert ">Handed over</button>" not in html


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
    assert '<span class="status status-completed tone-muted">Completed</span>' in html
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
    assert '<span class="status status-completed tone-muted">Completed</span>' in html
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


# --- collecting the money on handover ----------------------------------------------------------


def payments_on(order) -> list[tuple[int, str]]:
    """(amount in fen, method) of every payment of `order`, oldest first."""
    query = Payment.select().where(Payment.order == order.id).order_by(Payment.id)
    return [(payment.amount, payment.method) for payment in query]


def row_of(html: str, order) -> str:
    """The pickup row of `order` in a list page."""
    start = html.index(f'id="pickup-order-{order.number}"')
    end = html.find('<li id="pickup-order-', start)
    return html[start : end if end != -1 else len(html)]


def collect(post_form, point, order, method="wechat", headers=HTMX, **fields):
    """Tap "Handed over, ¥X paid" on `order`'s row with `method` chosen."""
    data = {"version": order.version, "collected": "1", "method": method, **fields}
    return post_form(
        hand_over_url(point, order), data, page=f"/board/pickup/{point.id}", headers=headers
    )


def test_the_pickup_list_shows_what_is_left_to_collect(client, staff, login, shop):
    gate = shop["points"][0]
    ready, processing, _, _, confirmed, _, pending = shop["orders"]
    actor = Actor.of_user(staff)
    record_payment(processing, None, "cash", actor, None)  # paid in full before pickup
    record_payment(confirmed, 2000, "alipay", actor, None)  # ¥20 of ¥45 paid
    login(staff)
    html = client.get(f"/board/pickup/{gate.id}", headers=EN).get_data(as_text=True)

    row = row_of(html, ready)
    assert "To collect CN¥13.00" in row and "paid already" not in row
    assert '<label for="paid-by-' in row and ">Paid by</label>" in row
    assert '<option value="wechat" selected>WeChat Pay</option>' in row
    assert '<option value="cash">Cash</option>' in row
    assert 'name="collected" value="1" class="action big">Handed over, CN¥13.00 paid' in row
    assert ">Handed over, not paid</button>" in row

    row = row_of(html, confirmed)  # only the rest
    assert "To collect CN¥25.00" in row and "CN¥20.00 paid already" in row
    assert ">Handed over, CN¥25.00 paid</button>" in row

    row = row_of(html, processing)  # nothing owed: the single button as before
    assert "To collect" not in row and "Paid by" not in row and 'name="collected"' not in row
    assert ">Handed over</button>" in row and ">Paid</span>" in row

    row = row_of(html, pending)  # owed, but not to be handed over yet
    assert "To collect CN¥5.00" in row and "<form" not in row


def test_collected_and_handed_over_records_the_payment_and_completes_the_order(
    client, staff, login, post_form, shop
):
    gate = shop["points"][0]
    ready = shop["orders"][0]
    login(staff)
    response = collect(post_form, gate, ready, method="cash")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith(f'<li id="pickup-order-{ready.number}"')
    assert "Collected CN¥13.00 and handed over to Buyer 1234." in html
    assert '<span class="status status-completed tone-muted">Completed</span>' in html
    assert ">Paid</span>" in html and "To collect" not in html and "<form" not in html
    order = Order.get_by_id(ready.id)
    assert (order.status, order.payment_status) == ("completed", "paid")
    assert payments_on(order) == [(1300, "cash")]
    assert Payment.get(Payment.order == order.id).recorded_by_id == staff.id
    events = list(OrderEvent.select().where(OrderEvent.order == order.id).order_by(OrderEvent.id))
    assert [(e.kind, e.from_status, e.to_status) for e in events[-3:]] == [
        ("status", "processing", "ready"),  # from the fixture
        ("payment", "unpaid", "paid"),
        ("status", "ready", "completed"),
    ]
    assert events[-1].note == "Handed over at East gate"

    page = client.get(f"/board/orders/{order.number}", headers=EN).get_data(as_text=True)
    assert "Recorded a payment of CN¥13.00 (Cash)" in page
    assert "Changed the status from Ready to Completed" in page


def test_a_part_paid_order_collects_only_the_rest(app, staff, shop):
    confirmed = shop["orders"][4]  # ¥45, not ready yet
    actor = Actor.of_user(staff)
    record_payment(confirmed, 2000, "cash", actor, None)
    version = Order.get_by_id(confirmed.id).version

    done = hand_over(confirmed, actor, expected_version=version, collected="alipay")

    assert (done.status, done.payment_status, done.collected) == ("completed", "paid", 2500)
    assert payments_on(confirmed) == [(2000, "cash"), (2500, "alipay")]
    steps = [
        (e.from_status, e.to_status)
        for e in OrderEvent.select().where(OrderEvent.order == confirmed.id).order_by(OrderEvent.id)
    ]
    assert steps[-4:] == [
        ("partly_paid", "paid"),
        ("confirmed", "processing"),
        ("processing", "ready"),
        ("ready", "completed"),
    ]


def test_handed_over_not_paid_leaves_the_order_unpaid(client, staff, login, post_form, shop):
    gate = shop["points"][0]
    ready = shop["orders"][0]
    login(staff)
    # the browser sends the select's value too; without "collected" it is not a payment
    response = post_form(
        hand_over_url(gate, ready),
        {"version": ready.version, "method": "wechat"},
        page=f"/board/pickup/{gate.id}",
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Handed over to Buyer 1234." in html and "Collected" not in html
    assert ">Unpaid</span>" in html
    order = Order.get_by_id(ready.id)
    assert (order.status, order.payment_status) == ("completed", "unpaid")
    assert payments_on(order) == []


def test_a_paid_order_is_handed_over_without_a_second_payment(app, staff, shop):
    processing = shop["orders"][1]
    actor = Actor.of_user(staff)
    record_payment(processing, None, "cash", actor, None)
    version = Order.get_by_id(processing.id).version

    done = hand_over(processing, actor, expected_version=version, collected="wechat")

    assert (done.status, done.payment_status, done.collected) == ("completed", "paid", 0)
    assert payments_on(processing) == [(1500, "cash")]


def test_a_refused_handover_records_no_payment(client, staff, login, post_form, shop):
    gate = shop["points"][0]
    pending, completed = shop["orders"][6], shop["orders"][5]
    actor = Actor.of_user(staff)
    with pytest.raises(NotConfirmed):
        hand_over(pending, actor, expected_version=pending.version, collected="cash")
    # completed but unpaid: the payment would go through, the step to completed cannot
    with pytest.raises(TransitionNotAllowed):
        hand_over(completed, actor, expected_version=completed.version, collected="cash")
    login(staff)
    response = collect(post_form, gate, pending, method="cash")
    assert response.status_code == 409
    assert "still pending" in response.get_data(as_text=True)
    for order in (pending, completed):
        assert payments_on(order) == []
        fresh = Order.get_by_id(order.id)
        assert (fresh.status, fresh.payment_status, fresh.version) == (
            order.status,
            "unpaid",
            order.version,
        )


def test_a_stale_collect_is_a_conflict_and_records_nothing(client, staff, login, post_form, shop):
    gate = shop["points"][0]
    ready = shop["orders"][0]
    record_payment(ready, 500, "cash", Actor.of_user(staff), None)  # a colleague took ¥5
    with pytest.raises(StaleOrder):
        hand_over(ready, Actor.of_user(staff), expected_version=ready.version, collected="cash")
    login(staff)
    response = collect(post_form, gate, ready)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else changed this order a moment ago" in html
    assert "To collect CN¥8.00" in html and ">Handed over, CN¥8.00 paid</button>" in html
    assert payments_on(ready) == [(500, "cash")]
    assert Order.get_by_id(ready.id).status == "ready"


def test_two_staff_collecting_the_same_order_at_once_collect_it_once(app, staff, shop):
    ready = shop["orders"][0]
    colleague = make_user("staff")
    actors = [Actor.of_user(staff), Actor.of_user(colleague)]

    results = race(
        app,
        2,
        lambda i: (
            hand_over(
                ready, actors[i], expected_version=ready.version, collected=("cash", "wechat")[i]
            ).collected
        ),
    )

    assert Tally(outcome for outcome, _ in results) == {"ok": 1, "StaleOrder": 1}, results
    assert [value for outcome, value in results if outcome == "ok"] == [1300]
    assert len(payments_on(ready)) == 1 and payments_on(ready)[0][0] == 1300
    order = Order.get_by_id(ready.id)
    assert (order.status, order.payment_status) == ("completed", "paid")
    events = OrderEvent.select().where(OrderEvent.order == ready.id)
    assert events.where(OrderEvent.kind == "payment").count() == 1
    assert events.where(OrderEvent.to_status == "completed").count() == 1


def test_an_unknown_payment_method_is_refused(client, staff, login, post_form, shop):
    gate = shop["points"][0]
    ready = shop["orders"][0]
    login(staff)
    for method in ("bitcoin", ""):
        response = collect(post_form, gate, ready, method=method)
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert "Choose how the customer paid." in html
        assert ">Handed over, CN¥13.00 paid</button>" in html
    with pytest.raises(ValueError):
        hand_over(ready, Actor.of_user(staff), expected_version=ready.version, collected="IOU")
    assert payments_on(ready) == []
    assert Order.get_by_id(ready.id).version == ready.version


def test_without_javascript_collecting_goes_back_to_the_list_and_says_so(
    client, staff, login, post_form, shop
):
    gate = shop["points"][0]
    ready = shop["orders"][0]
    login(staff)
    response = collect(post_form, gate, ready, method="alipay", headers=EN, q="1234")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/board/pickup/{gate.id}?q=1234"
    assert payments_on(ready) == [(1300, "alipay")]
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Collected CN¥13.00 and handed over to Buyer 1234." in page
    assert order_numbers(page) == [shop["orders"][1].number]  # the done one left the list


def test_the_amounts_to_collect_cost_no_query_per_order(client, staff, login, shop):
    gate = shop["points"][0]
    apple = shop["products"][0]
    fruit = shop["templates"][0].latest_version()
    login(staff)
    url = f"/board/pickup/{gate.id}"
    few = selects_while(client, url, EN)
    for n in range(6):
        order = walk(order_for(fruit, [(apple, 1 + n)], pickup_point=gate), "ready", staff)
        if n % 2:
            record_payment(order, 100, "cash", Actor.of_user(staff), None)
    many = selects_while(client, url, EN)
    html = client.get(url, headers=EN).get_data(as_text=True)
    assert len(order_numbers(html)) == 10
    assert html.count("To collect CN¥") == 10 and html.count("CN¥1.00 paid already") == 3
    assert len(many) == len(few), many


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
    assert "Ready" in row.inner_text() and "To collect CN¥13.00" in row.inner_text()
    assert row.get_by_label("Paid by").input_value() == "wechat"  # the usual way at a pickup
    assert row.get_by_role("button", name="Handed over, not paid").is_visible()

    row.get_by_role("button", name="Handed over, CN¥13.00 paid").click()
    row = page.locator(f"#pickup-order-{ready.number}")
    row.locator(".status-completed").wait_for()
    assert "Collected CN¥13.00 and handed over to Buyer 1234." in row.inner_text()
    assert row.get_by_role("button").count() == 0 and "To collect" not in row.inner_text()
    order = Order.get_by_id(ready.id)
    assert (order.status, order.payment_status) == ("completed", "paid")
    assert payments_on(order) == [(1300, "wechat")]
    assert_fits_the_screen(page)
    assert_tap_targets_are_big_enough(page)  # the other 1234 order's collect form too
    screenshot(page, "pickup-phone.png")


@pytest.mark.browser
def test_the_customer_sees_one_new_message_when_an_order_not_yet_ready_is_handed_over(
    phone_page, new_page, staff, shop
):
    gate = shop["points"][0]
    confirmed = shop["orders"][4]
    customer = new_page(device="phone")
    customer.goto(f"/o/{confirmed.tracking_token}")
    assert customer.locator(".message").count() == 0
    page = phone_page
    page.goto("/login")
    sign_in(page, staff)
    page.wait_for_url("**/board/**")
    page.goto(f"/board/pickup/{gate.id}")

    row = page.locator(f"#pickup-order-{confirmed.number}")
    assert "Confirmed" in row.inner_text()
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    row.get_by_role("button", name="Handed over, CN¥45.00 paid").click()
    page.locator(f"#pickup-order-{confirmed.number} .status-completed").wait_for()
    assert asked == [f"Order #{confirmed.number} is not marked ready yet. Hand it over anyway?"]

    customer.locator(".message").first.wait_for()  # the page polls every 2 s
    customer.wait_for_timeout(2500)  # one more poll: nothing else arrives
    messages = customer.locator(".message")
    assert messages.count() == 1
    assert f"订单 #{confirmed.number}：已完成" in messages.inner_text()  # placed in Chinese
    assert_fits_the_screen(customer)
    customer.reload()
    assert customer.locator(".message").count() == 1
