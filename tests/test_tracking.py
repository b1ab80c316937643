"""The customer's tracking page /o/<token>: summary, timeline, live poll, cancelling."""

import re
from datetime import timedelta
from html import unescape

import pytest

from models.assignment import assign_order
from models.base import utcnow
from models.form_template import FormTemplate
from models.lifecycle import Actor, transition_order
from models.order import Note, Order
from models.payments import record_payment
from models.pickup import PickupPoint
from models.tracking import poll_stamp
from tasks.notifications import sweep_due
from tests.factories import make_activity, make_product, order_for, stock_of
from tests.helpers import csrf_token_from, make_user, selects, sql_statements

EN = {"Accept-Language": "en"}
HTMX = {"HX-Request": "true", **EN}


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


@pytest.fixture
def placed(app_context):
    apples = make_product(8, price=1250, name="Apples")
    point = PickupPoint.create(name="East gate", address="88 River Rd", window="Sat 10-12")
    version = make_activity([apples], settings={"pickup_point_ids": [point.id]})
    order = order_for(version, [(apples, 3)], name="Wang Fang", pickup_point=point)
    return {"order": order, "apples": apples, "version": version}


def test_the_page_shows_the_order_its_pickup_point_and_a_qr_code_of_itself(client, placed):
    order = placed["order"]

    response = client.get(f"/o/{order.tracking_token}", headers=EN)

    page = text_of(response)
    assert response.status_code == 200
    assert f"Order #{order.number}" in page and "Pending" in page
    assert "Apples ×3 CN¥37.50" in page and "Total CN¥37.50" in page
    assert "East gate" in page and "Sat 10-12" in page
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
