"""The order page's refund form: by units or by amount, 422 with the error inline and the
typed values kept, who may refund, without JavaScript, and the refund history."""

import re

import pytest

from models.orders.lifecycle import Actor
from models.orders.order import Order
from models.orders.payments import Payment, PaymentNotRemovable, record_payment, remove_payment
from models.payments.refunds import Refund, request_refund
from tests.factories import order_for
from tests.helpers import EN, HTMX, make_user, numbers_in

pytestmark = pytest.mark.usefixtures("app_context")


@pytest.fixture
def order(shop, staff):
    """3 apples at ¥12.50, paid ¥37.50 in cash."""
    placed = order_for(shop["version"], [(shop["apples"], 3)])
    record_payment(placed, None, "cash", Actor.of_user(staff), None)
    return Order.get_by_id(placed.id)


def refund(post_form, order, htmx=True, **data):
    return post_form(
        f"/board/orders/{order.number}/refunds",
        {"version": Order.get_by_id(order.id).version, "method": "cash", "reason": "", **data},
        page=f"/board/orders/{order.number}",
        headers=HTMX if htmx else EN,
    )


def test_an_admin_refunds_units_and_sees_the_history(client, admin, login, post_form, order):
    login(admin)
    line = order.lines[0]
    page = client.get(f"/board/orders/{order.number}", headers=EN).get_data(as_text=True)
    assert 'id="refund-form"' in page and "Up to CN¥37.50 can be refunded." in page

    response = refund(post_form, order, **{f"qty-{line.id}": "2", "reason": "bruised"})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="order"')
    history = html[html.index('class="refund-list"') :]
    assert "CN¥25.00" in history and "Apples × 2" in history and "bruised" in history
    assert "Partly refunded" in html
    assert "Up to CN¥12.50 can be refunded." in html
    assert Order.get_by_id(order.id).payment_status == "partly_refunded"


def test_without_javascript_a_refund_redirects_to_the_order(client, admin, login, post_form, order):
    login(admin)
    response = refund(post_form, order, htmx=False, amount="37.50")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/board/orders/{order.number}"
    assert Order.get_by_id(order.id).payment_status == "refunded"
    page = client.get(f"/board/orders/{order.number}", headers=EN).get_data(as_text=True)
    assert 'id="refund-form"' not in page  # nothing left to refund


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"amount": "40.00"}, "At most CN¥37.50 can be refunded."),
        ({"amount": ""}, "Enter the units to refund, or an amount."),
        ({"amount": "abc"}, "Enter an amount in yuan, like 12.50."),
        ({"amount": "0"}, "Enter an amount greater than 0."),
        ({"amount": "5", "qty": "1"}, "Refund either some units or an amount, not both."),
        ({"qty": "4"}, "Enter 0 to 3."),
        ({"qty": "-1"}, "Enter 0 to 3."),
        ({"qty": "9" * 400}, "Enter 0 to 3."),  # too large for a float: was a 500
    ],
)
def test_bad_input_is_422_inline_with_the_values_kept(
    client, admin, login, post_form, order, data, error
):
    login(admin)
    line = order.lines[0]
    if "qty" in data:
        data[f"qty-{line.id}"] = data.pop("qty")

    response = refund(post_form, order, reason="typed reason", **data)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert error in html
    assert 'value="typed reason"' in html
    assert '<details class="refund-form" open>' in html
    assert Refund.select().count() == 0


def test_staff_may_not_refund_unless_the_shop_allows_it(
    app, client, staff, login, post_form, order
):
    login(staff)
    page = client.get(f"/board/orders/{order.number}", headers=EN).get_data(as_text=True)
    assert 'id="refund-form"' not in page
    assert refund(post_form, order, amount="1").status_code == 403

    app.config["REFUNDS_BY_STAFF"] = True
    page = client.get(f"/board/orders/{order.number}", headers=EN).get_data(as_text=True)
    assert 'id="refund-form"' in page
    assert refund(post_form, order, amount="1").status_code == 200
    assert Refund.get().created_by_id == staff.id


def test_a_refund_on_a_changed_order_is_a_conflict(client, admin, login, post_form, order):
    login(admin)
    response = post_form(
        f"/board/orders/{order.number}/refunds",
        {"version": order.version - 1, "method": "cash", "amount": "1"},
        page=f"/board/orders/{order.number}",
        headers=HTMX,
    )
    assert response.status_code == 409
    assert Refund.select().count() == 0


def test_the_timeline_says_who_refunded(client, admin, login, post_form, order):
    login(admin)
    html = refund(post_form, order, amount="10").get_data(as_text=True)
    assert re.search(r"Refunded CN¥10\.00", html)


def test_the_board_filters_by_the_new_statuses(client, staff, login, shop, order):
    partly = order_for(shop["version"], [(shop["apples"], 2)])
    record_payment(partly, 1000, "cash", Actor.of_user(staff), None)
    request_refund(order, Actor.of_user(make_user("admin")), method="cash", amount=100)
    login(staff)

    refunded = client.get("/board/?payment=partly_refunded&created=all", headers=EN)
    part_paid = client.get("/board/?payment=partly_paid&created=all", headers=EN)

    assert numbers_in(refunded.get_data(as_text=True)) == [order.number]
    assert "Partly refunded" in refunded.get_data(as_text=True)
    assert numbers_in(part_paid.get_data(as_text=True)) == [partly.number]


def test_payments_of_a_partly_refunded_order_can_no_longer_be_removed(admin, order):
    request_refund(order, Actor.of_user(admin), method="cash", amount=100)
    fresh = Order.get_by_id(order.id)
    with pytest.raises(PaymentNotRemovable):
        remove_payment(Payment.get(), Actor.of_user(admin), fresh.version, "typo")
