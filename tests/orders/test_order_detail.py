"""The order detail page: answers in the order's own version, notes, status and assignee
changes with conflicts, and editing lines and answers (stock, totals, timeline, races)."""

import re
from collections import Counter as Tally

import pytest

from models.activities.allotment import Allotment
from models.catalog import stock
from models.errors import OutOfStock, StaleOrder
from models.orders.editing import OrderNotEditable, ProductNotOffered, edit_order
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Note, Order, OrderEvent, OrderLine
from models.orders.placing import EmptyOrder, SlotFull
from tests.factories import make_product, order_for, stock_of
from tests.helpers import EN, HTMX, csrf_token_from, make_user, race, screenshot, sign_in


def fields_v1(apple, pear):
    return [
        {"name": "name", "type": "short_text", "label": "Name", "required": True},
        {"name": "phone", "type": "phone", "label": "Phone", "required": True},
        {
            "name": "items",
            "type": "products",
            "label": "Fruit",
            "products": [{"product_id": apple.id, "limit": 10}, {"product_id": pear.id}],
        },
        {
            "name": "slot",
            "type": "time_slot",
            "label": "Pickup time",
            "slots": [
                {"id": "sat-am", "label": "Saturday morning", "capacity": 5},
                {"id": "sun-am", "label": "Sunday morning", "capacity": 1},
            ],
        },
        {"name": "day", "type": "date", "label": "Delivery day"},
        {"name": "agree", "type": "consent", "label": "I agree to the terms"},
        {"name": "size", "type": "choice", "label": "Box size", "options": ["small", "large"]},
        {"name": "remark", "type": "long_text", "label": "Remark (v1)"},
    ]


@pytest.fixture
def shop(make_shop):
    made = make_shop(
        products={
            "apple": {"on_hand": 10, "name": "苹果", "price": 500},
            "pear": {"on_hand": 5, "name": "梨", "price": 300},
        },
        fields=lambda made: fields_v1(made["apple"], made["pear"]),
    )
    version = made["version"]
    return made["apple"], made["pear"], version.template, version


def place(version, apple, quantity=2, **answers):
    base = {
        "name": "Alice",
        "phone": "+8613800138000",
        "items": {str(apple.id): quantity},
        "slot": "sat-am",
        "day": "2026-05-01",
        "agree": True,
        "size": "large",
        "remark": "leave at the door",
    }
    return order_for(
        version, [(apple, quantity)], name="Alice", phone="+8613800138000", answers=base | answers
    )


def page(client, order, headers=EN):
    response = client.get(f"/board/orders/{order.number}", headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def answer(html: str, label: str) -> str:
    match = re.search(rf"<dt>{re.escape(label)}</dt><dd[^>]*>(.*?)</dd>", html, re.S)
    assert match, f"no answer labelled {label!r}"
    return match.group(1).strip()


def staff_actor(user):
    return Actor.of_user(user)


# --- reading an order -------------------------------------------------------------------------


def test_an_old_order_renders_with_its_own_version_after_the_template_changed(
    client, staff, login, shop
):
    apple, pear, template, v1 = shop
    order = place(v1, apple)
    fields = fields_v1(apple, pear)
    fields[7] = {"name": "remark", "type": "long_text", "label": "Notes for the driver"}
    fields[3]["slots"][0]["label"] = "Sat 9–11"
    template.draft = {"fields": [f for f in fields if f["name"] != "size"]}
    template.save()
    v2 = template.publish()
    newer = place(v2, apple, 1)
    login(staff)

    html = page(client, order)
    assert answer(html, "Remark (v1)") == "leave at the door"
    assert answer(html, "Pickup time") == "Saturday morning"
    assert answer(html, "Box size") == "large"
    assert answer(html, "Delivery day") == "May 1, 2026"
    assert answer(html, "I agree to the terms") == "Yes"
    assert answer(html, "Phone") == "138 0013 8000"
    assert answer(html, "Fruit") == "苹果 ×2"
    assert "Notes for the driver" not in html and "Sat 9–11" not in html
    assert "form version 1" in html

    html = page(client, newer)
    assert answer(html, "Notes for the driver") == "leave at the door"
    assert answer(html, "Pickup time") == "Sat 9–11"
    assert "Box size" not in html and "form version 2" in html


def test_the_page_shows_lines_totals_customer_and_timeline(client, staff, login, shop):
    apple, pear, _, version = shop
    first = order_for(version, [(pear, 1)], name="Alice", phone="+8613800138000", delivery_fee=800)
    transition_order(first, "cancelled", staff_actor(staff))
    order = order_for(
        version, [(apple, 3), (pear, 2)], name="Alice", phone="+8613800138000", delivery_fee=800
    )
    transition_order(order, "confirmed", staff_actor(staff))
    login(staff)

    html = page(client, order)
    assert "CN¥15.00" in html and "CN¥6.00" in html  # the two line amounts
    assert re.search(r"Subtotal</th><td[^>]*>CN¥21.00", html)
    assert re.search(r"Delivery fee</th><td[^>]*>CN¥8.00", html)
    assert re.search(r"Total</th><td[^>]*>CN¥29.00", html)
    customer = html[html.index('id="customer-heading"') : html.index('id="timeline"')]
    assert "Alice" in customer and "138 0013 8000" in customer
    assert re.search(r"<dt>Orders</dt><dd>2</dd>", customer)
    assert re.search(r"<dt>Total spent</dt><dd>CN¥29.00", customer)  # the cancelled one left out
    assert f'href="/board/orders/{first.number}"' in customer
    timeline = html[html.index('id="timeline"') :]
    assert "Alice (customer)" in timeline and "Placed the order" in timeline
    assert "Changed the status from Pending to Confirmed" in timeline
    assert staff.name in timeline


def test_a_missing_order_is_404(client, staff, login):
    login(staff)
    assert client.get("/board/orders/999999").status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/board/orders/{n}"),
        ("GET", "/board/orders/{n}/edit"),
        ("POST", "/board/orders/{n}/edit"),
        ("POST", "/board/orders/{n}/status"),
        ("POST", "/board/orders/{n}/assignee"),
        ("POST", "/board/orders/{n}/notes"),
        ("POST", "/board/orders/{n}/payments"),
        ("POST", "/board/orders/{n}/refund"),
        ("POST", "/board/orders/{n}/refunds"),
        ("POST", "/board/orders/{n}/tags"),
        ("POST", "/board/orders/{n}/tags/remove"),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, shop, method, path):
    apple, _, _, version = shop
    order = place(version, apple)
    token = csrf_token_from(client, "/login")
    response = client.open(
        path.format(n=order.number), method=method, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert Order.get_by_id(order.id).version == 1


# --- notes ------------------------------------------------------------------------------------


def test_an_empty_note_is_refused_inline_and_the_choice_is_kept(
    client, staff, login, post_form, shop
):
    apple, _, _, version = shop
    order = place(version, apple)
    login(staff)
    url = f"/board/orders/{order.number}/notes"
    response = post_form(
        url, {"kind": "call", "body": "   "}, page=url[: -len("/notes")], headers=HTMX
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="order-notes"')
    assert "Write the note first." in html
    assert re.search(r'<input checked[^>]*value="call"', html)

    too_long = "x" * 2001
    response = post_form(url, {"kind": "chat", "body": too_long}, page=url[:-6], headers=HTMX)
    assert response.status_code == 422
    assert too_long in response.get_data(as_text=True)
    assert Note.select().count() == 0


def test_a_note_is_stored_and_shows_in_the_list_and_the_timeline(
    client, staff, login, post_form, shop
):
    apple, _, _, version = shop
    order = place(version, apple)
    login(staff)
    response = post_form(
        f"/board/orders/{order.number}/notes",
        {"kind": "call", "body": "Called: she picks up on Sunday"},
        page=f"/board/orders/{order.number}",
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Called: she picks up on Sunday" in html
    assert 'id="timeline" class="card timeline"' in html and 'hx-swap-oob="true"' in html
    assert "Logged a phone call" in html
    note = Note.get()
    assert (note.kind, note.author_id, note.order_id) == ("call", staff.id, order.id)
    assert OrderEvent.get(OrderEvent.kind == "noted").actor_user_id == staff.id
    assert Order.get_by_id(order.id).version == 1  # a note never conflicts with an edit

    response = post_form(
        f"/board/orders/{order.number}/notes",
        {"kind": "in_person", "body": "Met at the gate"},
        page=f"/board/orders/{order.number}",
    )
    assert response.status_code == 303
    assert "Met at the gate" in page(client, order)


# --- status and assignee ----------------------------------------------------------------------


def test_a_status_change_from_a_stale_page_is_a_conflict_not_an_overwrite(
    client, staff, login, post_form, shop
):
    apple, _, _, version = shop
    order = place(version, apple)
    colleague = make_user("staff")
    login(staff)
    seen = Order.get_by_id(order.id).version
    transition_order(order, "confirmed", staff_actor(colleague))  # meanwhile

    response = post_form(
        f"/board/orders/{order.number}/status",
        {"to_status": "cancelled", "version": seen},
        page=f"/board/orders/{order.number}",
        headers=HTMX,
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else changed this order a moment ago" in html
    # the fresh order
    assert '<span class="status status-confirmed tone-info">Confirmed</span>' in html
    assert f'name="version" value="{seen + 1}"' in html
    stored = Order.get_by_id(order.id)
    assert stored.status == "confirmed"
    assert OrderEvent.select().where(OrderEvent.to_status == "cancelled").count() == 0
    assert stock_of(apple).reserved == 2


def test_status_buttons_follow_the_lifecycle_and_move_the_order(
    client, staff, login, post_form, shop
):
    apple, _, _, version = shop
    order = place(version, apple)
    login(staff)
    html = page(client, order)
    assert re.findall(r'name="to_status" value="(\w+)"', html) == ["confirmed", "cancelled"]

    response = post_form(
        f"/board/orders/{order.number}/status",
        {"to_status": "confirmed", "version": 1},
        page=f"/board/orders/{order.number}",
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="order"')
    assert re.findall(r'name="to_status" value="(\w+)"', html) == ["processing", "cancelled"]
    assert Order.get_by_id(order.id).status == "confirmed"

    response = post_form(
        f"/board/orders/{order.number}/status",
        {"to_status": "completed", "version": 2},
        page=f"/board/orders/{order.number}",
        headers=EN,
    )
    assert response.status_code == 409
    assert "cannot go from Confirmed to Completed" in response.get_data(as_text=True)


def test_assigning_and_unassigning_is_recorded(client, staff, login, post_form, shop):
    apple, _, _, version = shop
    order = place(version, apple)
    login(staff)
    url = f"/board/orders/{order.number}/assignee"
    response = post_form(url, {"assignee": staff.id, "version": 1}, page=url[:-9])
    assert response.status_code == 303
    assert Order.get_by_id(order.id).assignee_id == staff.id
    response = post_form(url, {"assignee": "", "version": 2}, page=url[:-9], headers=HTMX)
    html = response.get_data(as_text=True)
    assert "Removed the assignee" in html and f"Assigned the order to {staff.name}" in html
    assert Order.get_by_id(order.id).assignee_id is None
    response = post_form(url, {"assignee": staff.id, "version": 2}, page=url[:-9], headers=EN)
    assert response.status_code == 409
    assert "Someone else changed this order" in response.get_data(as_text=True)
    assert Order.get_by_id(order.id).assignee_id is None


# --- edit_order -------------------------------------------------------------------------------


def snapshot(order, *products):
    stored = Order.get_by_id(order.id)
    lines = sorted(
        (line.product_id, line.quantity, line.unit_price)
        for line in OrderLine.select().where(OrderLine.order == order.id)
    )
    stocks = [(stock_of(p).on_hand, stock_of(p).reserved) for p in products]
    return (
        stored.version,
        stored.subtotal,
        stored.total,
        stored.answers,
        lines,
        stocks,
        OrderEvent.select().count(),
    )


def test_edit_order_moves_stock_by_exactly_the_difference(app, staff, shop):
    apple, pear, _, version = shop
    order = place(version, apple, 2)
    order = Order.get_by_id(order.id)
    Order.update(delivery_fee=600, total=Order.subtotal + 600).where(Order.id == order.id).execute()
    assert (stock_of(apple).reserved, stock_of(pear).reserved) == (2, 0)

    edited = edit_order(
        order,
        actor=staff_actor(staff),
        expected_version=1,
        quantities={apple.id: 5, pear.id: 2},
    )
    assert (stock_of(apple).on_hand, stock_of(apple).reserved) == (10, 5)
    assert (stock_of(pear).on_hand, stock_of(pear).reserved) == (5, 2)
    assert (edited.version, edited.subtotal, edited.delivery_fee, edited.total) == (
        2,
        5 * 500 + 2 * 300,
        600,
        5 * 500 + 2 * 300 + 600,
    )
    event = OrderEvent.get(OrderEvent.kind == "edited")
    assert event.note == "苹果 2 → 5; 梨 0 → 2"
    assert (event.actor_kind, event.actor_user_id) == ("staff", staff.id)

    edited = edit_order(
        edited, actor=staff_actor(staff), expected_version=2, quantities={apple.id: 1, pear.id: 0}
    )
    assert stock_of(apple).reserved == 1 and stock_of(pear).reserved == 0
    assert [(line.product_id, line.quantity) for line in edited.lines] == [(apple.id, 1)]
    assert (edited.subtotal, edited.total) == (500, 1100)
    assert OrderEvent.select().where(OrderEvent.kind == "edited").count() == 2


def test_edit_order_refuses_to_oversell_and_changes_nothing(app, staff, shop):
    apple, pear, _, version = shop
    order = place(version, apple, 2)
    other = order_for(version, [(pear, 4)])
    assert stock.available(pear.id, stock_of(pear).warehouse_id) == 1
    before = snapshot(order, apple, pear)

    with pytest.raises(OutOfStock) as refused:
        edit_order(
            order,
            actor=staff_actor(staff),
            expected_version=1,
            quantities={apple.id: 11, pear.id: 2},
            answers=order.answers | {"remark": "changed"},
        )
    assert refused.value.details["short"] == {apple.id: 8, pear.id: 1}
    assert snapshot(order, apple, pear) == before
    assert Order.get_by_id(other.id).version == 1


def test_edit_order_refuses_closed_orders_unoffered_products_and_an_empty_goods_order(
    app, staff, shop
):
    apple, _pear, _, version = shop
    stranger = make_product(10, name="榴莲")
    order = place(version, apple, 2)
    actor = staff_actor(staff)
    with pytest.raises(ProductNotOffered):
        edit_order(order, actor=actor, expected_version=1, quantities={stranger.id: 1})
    with pytest.raises(EmptyOrder):
        edit_order(order, actor=actor, expected_version=1, quantities={apple.id: 0})
    assert stock_of(apple).reserved == 2 and stock_of(stranger).reserved == 0
    done = transition_order(order, "cancelled", actor)
    with pytest.raises(OrderNotEditable):
        edit_order(done, actor=actor, expected_version=done.version, quantities={apple.id: 1})
    with pytest.raises(StaleOrder):
        edit_order(done, actor=actor, expected_version=1, quantities={apple.id: 1})


def test_edit_order_records_changed_answers_and_moves_the_time_slot_place(app, staff, shop):
    apple, _, template, version = shop
    order = place(version, apple)
    taken = {a.key: a.taken for a in Allotment.select().where(Allotment.template == template.id)}
    assert taken["slot:slot:sat-am"] == 1

    edited = edit_order(
        order,
        actor=staff_actor(staff),
        expected_version=1,
        answers=order.answers | {"slot": "sun-am", "remark": "ring twice", "agree": True},
    )
    assert edited.answers["slot"] == "sun-am"
    event = OrderEvent.get(OrderEvent.kind == "edited")
    assert event.note == (
        "Pickup time: Saturday morning → Sunday morning; "
        "Remark (v1): leave at the door → ring twice"
    )
    taken = {a.key: a.taken for a in Allotment.select().where(Allotment.template == template.id)}
    assert (taken["slot:slot:sat-am"], taken["slot:slot:sun-am"]) == (0, 1)

    second = place(version, apple, 1)  # Sunday is full now (capacity 1)
    with pytest.raises(SlotFull):
        edit_order(
            second,
            actor=staff_actor(staff),
            expected_version=1,
            answers=second.answers | {"slot": "sun-am"},
        )
    assert Order.get_by_id(second.id).answers["slot"] == "sat-am"


def test_an_edit_that_changes_nothing_writes_nothing(app, staff, shop):
    apple, _, _, version = shop
    order = place(version, apple)
    before = snapshot(order, apple)
    edit_order(
        order,
        actor=staff_actor(staff),
        expected_version=1,
        quantities={apple.id: 2},
        answers=dict(order.answers),
    )
    assert snapshot(order, apple) == before


def test_two_staff_editing_the_same_order_at_once_one_gets_a_conflict(app, staff, shop):
    apple, pear, _, version = shop
    order = place(version, apple, 2)
    colleague = make_user("staff")
    actors = [staff_actor(staff), staff_actor(colleague)]

    def work(i):
        return edit_order(
            Order.get_by_id(order.id),
            actor=actors[i],
            expected_version=1,
            quantities={apple.id: 3 + i, pear.id: 1 + i},
        ).version

    results = race(app, 2, work)
    assert Tally(outcome for outcome, _ in results) == {"ok": 1, "StaleOrder": 1}, results
    winner = next(i for i, (outcome, _) in enumerate(results) if outcome == "ok")
    stored = Order.get_by_id(order.id)
    assert stored.version == 2
    assert {line.product_id: line.quantity for line in stored.lines} == {
        apple.id: 3 + winner,
        pear.id: 1 + winner,
    }
    assert (stock_of(apple).reserved, stock_of(pear).reserved) == (3 + winner, 1 + winner)
    assert OrderEvent.select().where(OrderEvent.kind == "edited").count() == 1


# --- the edit page ----------------------------------------------------------------------------


def edit_data(order, apple, pear, **changes):
    data = {
        "_version": order.version,
        "name": "Alice",
        "phone": "13800138000",
        f"items-{apple.id}": 2,
        f"items-{pear.id}": 0,
        "slot": "sat-am",
        "day": "2026-05-01",
        "agree": "y",
        "size": "large",
        "remark": "leave at the door",
    }
    return data | changes


def test_staff_edit_lines_and_answers_through_the_orders_own_form(
    client, staff, login, post_form, shop
):
    apple, pear, _, version = shop
    order = place(version, apple, 2)
    login(staff)
    url = f"/board/orders/{order.number}/edit"
    form = client.get(url, headers=EN).get_data(as_text=True)
    assert re.search(rf'name="items-{apple.id}"[^>]*value="2"', form)
    assert re.search(r'<textarea[^>]*name="remark"[^>]*>\s*leave at the door', form)

    data = edit_data(order, apple, pear, **{f"items-{pear.id}": 3, "remark": "call first"})
    response = post_form(url, data, headers=HTMX)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == f"/board/orders/{order.number}"
    stored = Order.get_by_id(order.id)
    assert {line.product_id: line.quantity for line in stored.lines} == {apple.id: 2, pear.id: 3}
    assert stored.answers["remark"] == "call first"
    assert stored.answers["items"] == {str(apple.id): 2, str(pear.id): 3}
    assert stored.total == 2 * 500 + 3 * 300
    assert stock_of(pear).reserved == 3
    html = page(client, order)
    assert "Edited the order: 梨 0 → 3; Remark (v1): leave at the door → call first" in html


def test_an_invalid_edit_comes_back_with_errors_and_the_typed_values(
    client, staff, login, post_form, shop
):
    apple, pear, _, version = shop
    order = place(version, apple, 2)
    login(staff)
    url = f"/board/orders/{order.number}/edit"
    data = edit_data(order, apple, pear, **{f"items-{apple.id}": 11, "remark": "typed text"})
    response = post_form(url, data, headers=HTMX)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter a number between 0 and 10." in html
    assert "typed text" in html and re.search(rf'name="items-{apple.id}"[^>]*value="11"', html)

    data = edit_data(order, apple, pear, **{f"items-{pear.id}": 6})  # 5 pears on hand
    response = post_form(url, data, headers=HTMX)
    assert response.status_code == 422
    assert "Only 5 left of 梨." in response.get_data(as_text=True)
    assert Order.get_by_id(order.id).version == 1
    assert stock_of(pear).reserved == 0


def test_an_edit_from_a_stale_form_shows_the_fresh_order_and_changes_nothing(
    client, staff, login, post_form, shop
):
    apple, pear, _, version = shop
    order = place(version, apple, 2)
    login(staff)
    url = f"/board/orders/{order.number}/edit"
    edit_order(
        order,
        actor=Actor.of_customer(order.customer),
        expected_version=1,
        quantities={apple.id: 4},
    )
    data = edit_data(order, apple, pear, **{f"items-{apple.id}": 1})
    response = post_form(url, data, headers=HTMX)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else changed this order a moment ago" in html
    assert re.search(rf'name="items-{apple.id}"[^>]*value="4"', html)
    assert 'name="_version" value="2"' in html
    assert Order.get_by_id(order.id).lines[0].quantity == 4
    assert stock_of(apple).reserved == 4


def test_a_closed_order_offers_no_edit(client, staff, login, shop):
    apple, _, _, version = shop
    order = place(version, apple)
    transition_order(order, "cancelled", staff_actor(staff))
    login(staff)
    assert "Edit items and answers" not in page(client, order)
    html = client.get(f"/board/orders/{order.number}/edit", headers=EN).get_data(as_text=True)
    assert "Only open orders can be edited." in html and 'id="edit-form"' not in html


# --- in the browser ---------------------------------------------------------------------------


@pytest.mark.browser
def test_the_detail_page_on_a_desktop(desktop_page, staff, shop):
    apple, pear, _, version = shop
    order = order_for(
        version,
        [(apple, 3), (pear, 1)],
        name="王芳",
        phone="+8613912345678",
        answers={
            "name": "王芳",
            "phone": "+8613912345678",
            "items": {str(apple.id): 3, str(pear.id): 1},
            "slot": "sat-am",
            "day": "2026-05-01",
            "agree": True,
            "size": "large",
            "remark": "请挑大一点的",
        },
    )
    transition_order(order, "confirmed", staff_actor(staff))
    page = desktop_page
    page.goto(f"/board/orders/{order.number}")
    page.wait_for_url("**/login?next=*")
    sign_in(page, staff)
    page.wait_for_url(f"**/board/orders/{order.number}")
    page.get_by_label("Phone call").check()
    page.fill("#body", "打电话确认了周六自提 / confirmed Saturday pickup by phone")
    page.get_by_role("button", name="Add note").click()
    page.locator(".note-list li", has_text="confirmed Saturday pickup").wait_for()
    page.locator("#timeline", has_text="Logged a phone call").wait_for()
    page.get_by_role("button", name="Start processing").click()
    page.locator("#order .order-head .status", has_text="Processing").wait_for()
    assert Order.get_by_id(order.id).status == "processing"
    screenshot(page, "order-detail-desktop.png")

    colleague = make_user("staff")
    transition_order(Order.get_by_id(order.id), "ready", staff_actor(colleague))
    page.get_by_role("button", name="Mark ready").click()  # from the page's stale version
    page.get_by_role("alert").filter(has_text="Someone else changed this order").wait_for()
    assert page.locator("#order .order-head .status").inner_text() == "Ready"
    assert page.get_by_role("button", name="Complete").is_visible()
