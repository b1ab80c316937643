"""The customer's tracking page /o/<token>: summary, timeline, live poll, cancelling."""

import re
from datetime import timedelta
from html import unescape

import pytest

from models.activities.template import FormTemplate
from models.base import utcnow
from models.orders.editing import edit_order
from models.orders.lifecycle import Actor, assign_order, transition_order
from models.orders.notes import tag_customer
from models.orders.order import Note, Order
from models.orders.payments import record_payment
from models.storefront.tracking import change_by_customer, customer_view, poll_stamp
from tasks.notifications import sweep_due
from tests.factories import make_activity, make_product, order_for, stock_of
from tests.helpers import (
    EN,
    HTMX,
    csrf_token_from,
    hidden_inputs,
    make_user,
    race,
    selects,
    sql_statements,
    text_of,
)


@pytest.fixture
def placed(app_context, make_shop):
    made = make_shop(
        products={"apples": {"on_hand": 8, "price": 1250, "name": "Apples"}},
        points={
            "point": {
                "name": "East gate",
                "address": "88 River Rd",
                "hours": [{"day": 5, "from": "10:00", "until": "12:00"}],
            }
        },
    )
    order = order_for(
        made["version"], [(made["apples"], 3)], name="Wang Fang", pickup_point=made["point"]
    )
    return made | {"order": order}


def test_the_page_shows_the_order_its_pickup_point_and_a_qr_code_of_itself(client, placed):
    order = placed["order"]

    response = client.get(f"/o/{order.tracking_token}", headers=EN)

    page = text_of(response)
    assert response.status_code == 200
    assert f"Order #{order.number}" in page and "Pending" in page
    assert "Apples ×3 CN¥37.50" in page and "Total CN¥37.50" in page
    assert "East gate" in page and "88 River Rd" in page
    assert re.search(r"Pickup time: Sat, \w{3} \d{1,2}, \d{4}, 10:00 AM – 12:00 PM · in ", page)
    assert "You placed the order." in page
    html = response.get_data(as_text=True)
    assert re.search(r'<svg[^>]*viewBox="0 0 \d+ \d+"', html)
    assert f"/o/{order.tracking_token}" in page


def test_the_timeline_speaks_to_the_customer_and_keeps_staff_business_out(client, placed):
    staff = make_user("staff")
    order = assign_order(placed["order"], staff, Actor.of_user(staff))
    Note.create(order=order, author=staff, body="VIP, check the apples twice")
    order = transition_order(order, "confirmed", Actor.of_user(staff))
    transition_order(order, "processing", Actor.of_user(staff))

    page = text_of(client.get(f"/o/{order.tracking_token}", headers=EN))

    assert (
        page.index("The shop is preparing your order.")
        < page.index("The shop confirmed your order.")
        < page.index("You placed the order.")
    )
    assert staff.name not in page and "VIP" not in page


def test_an_unknown_link_is_not_found_and_links_are_unguessable(client, placed):
    assert client.get("/o/not-a-real-token").status_code == 404
    assert len(placed["order"].tracking_token) >= 24


def poll_url(client, order) -> str:
    """The URL the tracking page polls, with the stamp of what it shows."""
    html = client.get(f"/o/{order.tracking_token}", headers=EN).get_data(as_text=True)
    return unescape(re.search(r'id="order-live" hx-get="([^"]+)"', html).group(1))


def test_the_poll_answers_204_with_one_query_while_nothing_changed(client, placed):
    order = placed["order"]
    url = poll_url(client, order)  # the page load that starts polling
    with sql_statements() as statements:
        response = client.get(url, headers=HTMX)

    assert response.status_code == 204 and response.data == b""
    queries = selects(statements)
    assert len(queries) == 1, statements
    assert '"tracking_token" = ' in queries[0]


def test_the_poll_sends_the_fresh_order_after_a_staff_change(client, placed):
    order = placed["order"]
    staff = make_user("staff")
    url = poll_url(client, order)
    transition_order(order, "confirmed", Actor.of_user(staff))

    response = client.get(url, headers=HTMX)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="order-live"')
    assert "Confirmed" in text_of(response)
    fresh = poll_stamp(order.tracking_token)
    assert f"v={fresh}" in unescape(html) and f"v={fresh}" not in url  # the next poll asks anew
    assert client.get(f"/o/{order.tracking_token}/poll?v={fresh}", headers=HTMX).status_code == 204


def test_the_customer_cancels_a_pending_order_and_the_stock_comes_back(client, placed):
    order = placed["order"]
    token = csrf_token_from(client, f"/o/{order.tracking_token}")

    response = client.post(
        f"/o/{order.tracking_token}/cancel",
        data={"csrf_token": token, "version": order.version},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert "You cancelled the order." in text_of(response)
    stored = Order.get_by_id(order.id)
    assert (stored.status, stored.holds) == ("cancelled", [])
    assert stock_of(placed["apples"]).reserved == 0


def test_a_confirmed_order_can_no_longer_be_cancelled_by_the_customer(client, placed):
    order = placed["order"]
    page = client.get(f"/o/{order.tracking_token}", headers=EN)
    assert "Cancel my order" in text_of(page)
    token = csrf_token_from(client, f"/o/{order.tracking_token}")
    transition_order(order, "confirmed", Actor.of_user(make_user("staff")))

    assert "Cancel my order" not in text_of(client.get(f"/o/{order.tracking_token}", headers=EN))
    response = client.post(
        f"/o/{order.tracking_token}/cancel",
        data={"csrf_token": token, "version": order.version},
        headers=EN,
    )

    assert response.status_code == 422
    assert "can no longer be changed online" in text_of(response)
    assert Order.get_by_id(order.id).status == "confirmed"
    assert stock_of(placed["apples"]).reserved == 3


def test_after_the_deadline_the_customer_cannot_cancel_online(client, placed):
    order = placed["order"]
    FormTemplate.update(closes_at=utcnow() - timedelta(minutes=1)).where(
        FormTemplate.id == order.template_id
    ).execute()

    page = text_of(client.get(f"/o/{order.tracking_token}", headers=EN))

    assert "Cancel my order" not in page and "Pending" in page


def test_a_sold_out_activity_still_lets_the_customer_cancel_and_give_the_stock_back(client, placed):
    order, apples = placed["order"], placed["apples"]
    order_for(placed["version"], [(apples, 5)], name="Li Lei")  # the last 5 of 8
    assert client.get(f"/f/{order.template.slug}", headers=EN).status_code == 200
    assert "Sold out" in text_of(client.get(f"/f/{order.template.slug}", headers=EN))
    token = csrf_token_from(client, f"/o/{order.tracking_token}")

    response = client.post(
        f"/o/{order.tracking_token}/cancel",
        data={"csrf_token": token, "version": order.version},
        headers=HTMX,
    )

    assert "You cancelled the order." in text_of(response)
    assert stock_of(apples).reserved == 5
    assert "Sold out" not in text_of(client.get(f"/f/{order.template.slug}", headers=EN))


def test_cancelling_needs_the_csrf_token(client, placed):
    order = placed["order"]

    response = client.post(f"/o/{order.tracking_token}/cancel", data={"version": order.version})

    assert response.status_code == 400
    assert Order.get_by_id(order.id).status == "pending"


def token_on(client, order) -> str:
    page = client.get(f"/o/{order.tracking_token}", headers=EN).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def change(client, order, quantities: dict, token=None):
    data = {"csrf_token": token or token_on(client, order), "version": order.version}
    data |= {f"qty-{pid}": str(qty) for pid, qty in quantities.items()}
    return client.post(f"/o/{order.tracking_token}/change", data=data, headers=HTMX)


def test_the_customer_changes_quantities_and_the_stock_follows(client, placed):
    order, apples = placed["order"], placed["apples"]

    response = change(client, order, {apples.id: 5})

    assert response.status_code == 200
    assert "You changed the order." in text_of(response)
    assert "Apples ×5 CN¥62.50" in text_of(response)
    stored = Order.get_by_id(order.id)
    assert (stored.total, stored.version) == (6250, order.version + 1)
    assert stock_of(apples).reserved == 5

    change(client, stored, {apples.id: 1})
    assert stock_of(apples).reserved == 1


def test_asking_for_more_than_is_left_changes_nothing(client, placed):
    order, apples = placed["order"], placed["apples"]

    response = change(client, order, {apples.id: 9})

    assert response.status_code == 422
    assert "Only 5 left." in text_of(response)
    assert stock_of(apples).reserved == 3
    assert Order.get_by_id(order.id).total == 3750


def test_a_change_after_the_shop_confirmed_is_refused(client, placed):
    order, apples = placed["order"], placed["apples"]
    token = token_on(client, order)
    transition_order(order, "confirmed", Actor.of_user(make_user("staff")))

    response = change(client, order, {apples.id: 4}, token=token)

    assert response.status_code == 422
    assert "can no longer be changed online" in text_of(response)
    assert stock_of(apples).reserved == 3


def test_the_shops_messages_appear_on_the_page(client, placed):
    order = placed["order"]
    transition_order(order, "confirmed", Actor.of_user(make_user("staff")))
    stamp = poll_stamp(order.tracking_token)
    sweep_due()  # the worker turns the change's outbox row into the customer's message
    assert poll_stamp(order.tracking_token) != stamp  # so the page's poll picks it up

    page = client.get(f"/o/{order.tracking_token}", headers=EN)

    assert "Messages from the shop" in text_of(page)
    assert f"#{order.number}" in text_of(page).split("Messages from the shop")[1]


def test_the_customer_sees_when_the_shop_received_their_payment(client, placed):
    order, staff = placed["order"], make_user("staff")
    page = text_of(client.get(f"/o/{order.tracking_token}", headers=EN))
    assert "Payment: Unpaid" in page
    record_payment(order, 1000, "cash", Actor.of_user(staff), expected_version=order.version)
    record_payment(order, None, "wechat", Actor.of_user(staff), expected_version=order.version + 1)

    page = text_of(client.get(f"/o/{order.tracking_token}", headers=EN))

    assert "Payment: Paid" in page
    assert page.index("The shop received your payment.") < page.index(
        "The shop received part of your payment."
    )
    assert "WeChat" not in page and staff.name not in page


# --- the shop's own bookkeeping does not refuse a customer's change (issue 12) -------------------


def page_inputs(client, order) -> dict:
    """What the change form on the customer's page sends: CSRF token, version, seen."""
    return hidden_inputs(
        client.get(f"/o/{order.tracking_token}", headers=EN).get_data(as_text=True)
    )


def post_change(client, order, inputs: dict, quantities: dict, headers=HTMX):
    data = {k: inputs[k] for k in ("csrf_token", "version", "seen")}
    data |= {f"qty-{pid}": str(qty) for pid, qty in quantities.items()}
    return client.post(f"/o/{order.tracking_token}/change", data=data, headers=headers)


def test_a_change_after_the_shops_rule_assigned_the_order_is_applied(client, placed):
    order, apples = placed["order"], placed["apples"]
    inputs = page_inputs(client, order)
    assigned = assign_order(order, make_user("staff"), Actor.rule("Assign by pickup point"))
    tag_customer(assigned, "regular", Actor.rule("Tag regulars"))
    Note.create(order=order, author=make_user("staff"), body="Called, all fine")

    response = post_change(client, order, inputs, {apples.id: 5})

    assert response.status_code == 200, text_of(response)
    assert "You changed the order." in text_of(response)
    stored = Order.get_by_id(order.id)
    assert (stored.total, stored.assignee_id) == (6250, assigned.assignee_id)
    assert stock_of(apples).reserved == 5


def test_cancelling_after_the_shops_rule_assigned_the_order_works(client, placed):
    order = placed["order"]
    inputs = page_inputs(client, order)
    assign_order(order, make_user("staff"), Actor.rule("Assign by pickup point"))

    data = {k: inputs[k] for k in ("csrf_token", "version", "seen")}
    response = client.post(f"/o/{order.tracking_token}/cancel", data=data, headers=HTMX)

    assert response.status_code == 200, text_of(response)
    assert Order.get_by_id(order.id).status == "cancelled"
    assert stock_of(placed["apples"]).reserved == 0


@pytest.mark.parametrize("what", ["lines", "payment"])
def test_a_change_is_refused_when_something_the_customer_sees_changed(client, placed, what):
    order, apples, staff = placed["order"], placed["apples"], make_user("staff")
    inputs = page_inputs(client, order)
    if what == "lines":
        edit_order(
            order,
            actor=Actor.of_user(staff),
            expected_version=order.version,
            quantities={apples.id: 4},
        )
    else:
        record_payment(order, None, "cash", Actor.of_user(staff), expected_version=order.version)
    before = Order.get_by_id(order.id)

    response = post_change(client, order, inputs, {apples.id: 1})

    assert response.status_code == 422
    assert "The shop changed this order a moment ago" in text_of(response)
    after = Order.get_by_id(order.id)
    assert (after.version, after.total) == (before.version, before.total)


def test_a_step_without_javascript_shows_the_form_again_and_changes_nothing(client, placed):
    order, apples = placed["order"], placed["apples"]
    inputs = page_inputs(client, order)
    data = {k: inputs[k] for k in ("csrf_token", "version", "seen")}
    data |= {f"qty-{apples.id}": "3", "step": f"qty-{apples.id}:+1"}

    response = client.post(f"/o/{order.tracking_token}/change", data=data, headers=EN)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(rf'name="qty-{apples.id}"[^>]*value="4"', html)
    assert re.search(r'<details class="change" id="change-\w+" open', html)
    assert Order.get_by_id(order.id).version == order.version


def test_the_poll_keeps_a_change_in_progress_unless_what_it_depends_on_changed(client, placed):
    order, apples = placed["order"], placed["apples"]
    page = client.get(f"/o/{order.tracking_token}", headers=EN).get_data(as_text=True)
    form_id = re.search(r'<details class="change" id="(change-\w+)"', page).group(1)
    assert "hx-preserve" not in page

    assign_order(order, make_user("staff"), Actor.rule("Assign by pickup point"))
    polled = client.get(f"/o/{order.tracking_token}/poll?v=x", headers=HTMX)
    assert f'id="{form_id}" hx-preserve' in polled.get_data(as_text=True)

    current = Order.get_by_id(order.id)
    edit_order(
        current,
        actor=Actor.of_user(make_user("staff")),
        expected_version=current.version,
        quantities={apples.id: 4},
    )
    polled = client.get(f"/o/{order.tracking_token}/poll?v=x", headers=HTMX)
    assert form_id not in polled.get_data(as_text=True)  # a fresh form with the shop's numbers


def test_shop_messages_link_their_links_but_not_the_page_itself(client, placed):
    order = placed["order"]
    transition_order(order, "confirmed", Actor.of_user(make_user("staff")))
    sweep_due()

    html = client.get(f"/o/{order.tracking_token}", headers=EN).get_data(as_text=True)
    messages = html[html.index('class="card messages"') : html.index("What happened")]
    assert "查看订单" not in messages and f"/o/{order.tracking_token}" not in messages
    assert "已确认" in messages  # the order's language


# --- races: threads on the real database --------------------------------------------------------


def test_a_customers_change_racing_the_shops_rule_always_applies(app, app_context):
    apples = make_product(100, price=1250, name="Apples")
    version = make_activity([apples])
    orders = [order_for(version, [(apples, 1)], name=f"Racer {n}") for n in range(4)]
    staff = make_user("staff")
    seen = {o.id: customer_view(o) for o in orders}

    for order in orders:

        def work(i, order=order):
            if i == 0:
                return change_by_customer(order, order.version, {apples.id: 2}, seen[order.id])
            return assign_order(order, staff, Actor.rule("Assign"), expected_version=order.version)

        results = race(app, 2, work)

        customer, rule = results
        assert customer[0] == "ok", customer  # never refused for the rule's change
        stored = Order.get_by_id(order.id)
        assert [line.quantity for line in stored.lines] == [2]
        if rule[0] == "ok":
            assert stored.assignee_id == staff.id and stored.version == order.version + 2
    assert stock_of(apples).reserved == 2 * len(orders)


@pytest.mark.parametrize("shop_move", ["confirm", "edit"])
def test_a_customers_change_racing_a_visible_shop_change_never_both_apply(
    app, app_context, shop_move
):
    apples, staff = make_product(100, price=1250, name="Apples"), make_user("staff")
    version = make_activity([apples])
    orders = [order_for(version, [(apples, 1)], name=f"Racer {n}") for n in range(4)]

    for order in orders:
        seen = customer_view(order)

        def work(i, order=order, seen=seen):
            if i == 0:
                return change_by_customer(order, order.version, {apples.id: 2}, seen)
            if shop_move == "confirm":
                return transition_order(order, "confirmed", Actor.of_user(staff))
            return edit_order(
                order,
                actor=Actor.of_user(staff),
                expected_version=order.version,
                quantities={apples.id: 3},
            )

        customer, shop = race(app, 2, work)

        outcomes = {customer[0], shop[0]}
        assert "ok" in outcomes and outcomes != {"ok"}, (customer, shop)  # exactly one
        assert customer[0] in ("ok", "ChangeClosed", "ChangedByShop")
        assert shop[0] in ("ok", "StaleOrder")
        stored = Order.get_by_id(order.id)
        expected = 2 if customer[0] == "ok" else (3 if shop_move == "edit" else 1)
        assert [line.quantity for line in stored.lines] == [expected]
    reserved = sum(line.quantity for o in Order.select() for line in o.lines)
    assert stock_of(apples).reserved == reserved
