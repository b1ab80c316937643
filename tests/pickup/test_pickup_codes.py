"""Pickup codes: every pickup order gets a short code, shown with its QR on the tracking page;
staff type it (any case, with spaces) or scan it, or the order's tracking link, at /board/scan
to find the order and hand it over; a wrong code is a 422 with the message beside the box; a
second hand-over (one after the other, or two at once) is a conflict, not a second completion."""

import re

import pytest

from models.catalog.products import Stock, Warehouse
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order, OrderEvent
from models.orders.payments import Payment
from models.pickup.codes import (
    ALPHABET,
    PickupCode,
    code_of,
    hand_over_by_code,
)
from tests.factories import make_shop, order_for
from tests.helpers import csrf_token_from, race, text_of


@pytest.fixture
def pickup(app_context):
    return make_shop(
        products={"eggs": {"on_hand": 30, "price": 1500, "name": "Eggs"}},
        points={"north": {"name": "North gate", "address": "1 North Rd"}},
    )


def confirmed_order(pickup, quantity=2, **options):
    order = order_for(
        pickup["version"],
        [(pickup["eggs"], quantity)],
        name="Zhang Wei",
        phone="13800138000",
        pickup_point=pickup["north"],
        **options,
    )
    return transition_order(order, "confirmed", Actor.system())


@pytest.fixture
def as_staff(client, english, staff, login):
    login(staff)
    return client


def on_hand(product):
    return Stock.get(Stock.product == product.id, Stock.warehouse == Warehouse.default().id).on_hand


def completions(order):
    return (
        OrderEvent.select()
        .where(OrderEvent.order == order.id, OrderEvent.to_status == "completed")
        .count()
    )


def test_a_pickup_order_gets_a_short_code_and_a_delivered_order_none(pickup):
    at_point = order_for(pickup["version"], [(pickup["eggs"], 1)], pickup_point=pickup["north"])
    delivered = order_for(pickup["version"], [(pickup["eggs"], 1)], address="2 South Rd")

    code = code_of(at_point)
    assert len(code) == 6 and set(code) <= set(ALPHABET)
    assert not set(code) & set("01OIL")
    assert code_of(delivered) is None
    assert PickupCode.select().count() == 1


def test_the_tracking_page_shows_the_code_and_its_qr(client, english, pickup):
    order = confirmed_order(pickup)
    code = code_of(order)

    page = client.get(f"/o/{order.tracking_token}").get_data(as_text=True)

    assert f"{code[:3]} {code[3:]}" in page
    assert "<title>Pickup code</title>" in page  # the QR's SVG, named
    assert "Show this at the pickup point" in page


def test_staff_type_the_code_and_hand_the_order_over_without_javascript(as_staff, pickup):
    order = confirmed_order(pickup)
    code = code_of(order)
    typed = f" {code[:3].lower()}-{code[3:]} "

    found = as_staff.get("/board/scan", query_string={"code": typed})

    assert found.status_code == 200
    page = text_of(found)
    assert f"Order #{order.number}" in page and "Zhang Wei · 138****8000" in page
    assert "Eggs ×2" in page and "To collect" in page
    token = csrf_token_from(as_staff, "/board/scan")
    handed = as_staff.post(
        "/board/scan/hand-over",
        data={
            "csrf_token": token,
            "code": code,
            "version": order.version,
            "collected": "1",
            "method": "cash",
        },
    )

    assert handed.status_code == 303
    done = as_staff.get(handed.headers["Location"])
    assert "Handed over." in text_of(done) and "Handed over at" in text_of(done)
    order = Order.get_by_id(order.id)
    assert order.status == "completed" and order.payment_status == "paid"
    assert [p.method for p in Payment.select().where(Payment.order == order.id)] == ["cash"]
    assert on_hand(pickup["eggs"]) == 28


def test_a_wrong_code_says_so_beside_the_box(as_staff, pickup):
    confirmed_order(pickup)

    wrong = as_staff.get("/board/scan", query_string={"code": "ZZZ ZZ9"})

    assert wrong.status_code == 422
    body = wrong.get_data(as_text=True)
    assert re.search(r'id="code-error">No pickup order has this code', body)
    assert 'aria-invalid="true"' in body and 'value="ZZZ ZZ9"' in body


def test_a_scanned_tracking_link_finds_the_order(as_staff, pickup):
    order = confirmed_order(pickup)
    link = f"https://shop.example/o/{order.tracking_token}"

    found = as_staff.get("/board/scan", query_string={"code": link})

    assert found.status_code == 200 and f"Order #{order.number}" in text_of(found)


def test_handing_over_twice_is_a_conflict_not_a_second_completion(as_staff, pickup):
    order = confirmed_order(pickup, quantity=1)
    order = transition_order(order, "processing", Actor.system())
    code = code_of(order)
    token = csrf_token_from(as_staff, "/board/scan")
    data = {"csrf_token": token, "code": code, "version": order.version}
    Payment.delete().execute()

    first = as_staff.post("/board/scan/hand-over", data=data)
    second = as_staff.post("/board/scan/hand-over", data=data)

    assert first.status_code == 303
    assert second.status_code == 409
    assert "This order was already handed over, at" in text_of(second)
    assert completions(order) == 1


def test_two_hand_overs_at_once_complete_the_order_once(app, pickup, staff):
    order = confirmed_order(pickup, quantity=1)
    code, version = code_of(order), order.version

    def tap(_):
        return hand_over_by_code(code, Actor.of_user(staff), expected_version=version).status

    results = race(app, 3, tap)

    outcomes = sorted(outcome for outcome, _ in results)
    assert outcomes == ["AlreadyHandedOver", "AlreadyHandedOver", "ok"], results
    assert completions(order) == 1
    assert on_hand(pickup["eggs"]) == 29


def test_a_pending_order_is_not_handed_over(as_staff, pickup):
    order = order_for(pickup["version"], [(pickup["eggs"], 1)], pickup_point=pickup["north"])
    code = code_of(order)

    shown = as_staff.get("/board/scan", query_string={"code": code})
    token = csrf_token_from(as_staff, "/board/scan")
    refused = as_staff.post(
        "/board/scan/hand-over", data={"csrf_token": token, "code": code, "version": 1}
    )

    assert "Still pending" in text_of(shown)
    assert refused.status_code == 409 and "still pending" in text_of(refused)
    assert Order.get_by_id(order.id).status == "pending"


def test_only_staff_scan(client, pickup):
    assert client.get("/board/scan").status_code in (302, 303)
    token = csrf_token_from(client, "/login")
    refused = client.post("/board/scan/hand-over", data={"csrf_token": token, "code": "x"})
    assert refused.status_code in (302, 303)
