"""Payments: recording them on the order page (whole, in part, refused, conflicting, racing),
refunds, the payment_recorded rules they trigger, and Mark paid on the board."""

import re
from collections import Counter as Tally

import pytest

from models.automation.rules import save_rule
from models.errors import StaleOrder
from models.orders.editing import edit_order
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order, OrderEvent
from models.orders.payments import NotPayable, Payment, record_payment
from tests.factories import order_for
from tests.helpers import EN, HTMX, csrf_token_from, race, timeline

pytestmark = pytest.mark.usefixtures("app_context")  # the default shop; places orders in tests


def place(shop, quantity=2, **options) -> Order:
    return order_for(shop["version"], [(shop["apples"], quantity)], **options)


def pay(post_form, order, htmx=True, **data):
    url = f"/board/orders/{order.number}/payments"
    return post_form(
        url,
        {"method": "wechat", "note": "", **data},
        page=f"/board/orders/{order.number}",
        headers=HTMX if htmx else EN,
    )


def test_a_payment_of_the_whole_total_marks_the_order_paid(client, staff, login, post_form, shop):
    order = place(shop)  # 2 × ¥12.50
    login(staff)
    page = client.get(f"/board/orders/{order.number}", headers=EN).get_data(as_text=True)
    assert re.search(r'name="amount"[^>]*value="25.00"', page)  # the outstanding amount

    response = pay(post_form, order, amount="25.00", version=1, note="at the gate")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="order"')
    assert "Recorded a payment of CN¥25.00 (WeChat Pay)" in timeline(html)
    assert "Paid in full" in timeline(html)
    assert 'id="payment-form"' not in html  # nothing left to pay
    assert "at the gate" in html
    stored = Order.get_by_id(order.id)
    assert (stored.payment_status, stored.version) == ("paid", 2)
    payment = Payment.get()
    assert (payment.amount, payment.method, payment.recorded_by_id) == (2500, "wechat", staff.id)
    event = OrderEvent.get(OrderEvent.kind == "payment")
    assert (event.actor_user_id, event.from_status, event.to_status) == (staff.id, "unpaid", "paid")


def test_a_part_payment_makes_the_order_partly_paid_and_shows_the_rest(
    client, staff, login, post_form, shop
):
    order = place(shop)
    login(staff)

    response = pay(post_form, order, amount="10", method="cash", version=1)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'class="outstanding">CN¥15.00<', html)
    assert re.search(r'name="amount"[^>]*value="15.00"', html)
    assert "Recorded a payment of CN¥10.00 (Cash)" in timeline(html)
    assert "Paid in full" not in html
    assert Order.get_by_id(order.id).payment_status == "partly_paid"

    too_much = pay(post_form, order, amount="15.01", version=2)
    assert too_much.status_code == 422
    assert "Only CN¥15.00 is outstanding." in too_much.get_data(as_text=True)

    pay(post_form, order, amount="15.00", method="alipay", version=2)
    stored = Order.get_by_id(order.id)
    assert (stored.payment_status, stored.version) == ("paid", 3)
    assert sorted(p.amount for p in Payment.select()) == [1000, 1500]


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("lots", "Enter an amount in yuan, like 12.50."),
        ("12.345", "Enter an amount in yuan, like 12.50."),
        ("-5", "Enter an amount in yuan, like 12.50."),
        ("0", "Enter an amount greater than 0."),
        ("", "Enter the amount."),
    ],
)
def test_a_wrong_amount_comes_back_with_the_error_and_the_typed_text(
    client, staff, login, post_form, shop, typed, error
):
    order = place(shop)
    login(staff)

    response = pay(post_form, order, amount=typed, method="cash", note="kept", version=1)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert error in html
    assert re.search(rf'aria-invalid="true"[^>]*name="amount"[^>]*value="{re.escape(typed)}"', html)
    assert re.search(r'<option selected value="cash">', html)
    assert 'value="kept"' in html
    assert Payment.select().count() == 0
    assert Order.get_by_id(order.id).version == 1


def test_a_payment_from_a_stale_page_is_a_conflict(client, staff, login, post_form, shop):
    order = place(shop)
    login(staff)
    transition_order(order, "confirmed", Actor.system())  # meanwhile

    response = pay(post_form, order, amount="25.00", version=1)

    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else changed this order a moment ago" in html
    assert 'name="version" value="2"' in html  # the fresh order
    assert Payment.select().count() == 0
    assert Order.get_by_id(order.id).payment_status == "unpaid"


def test_without_javascript_a_payment_answers_with_the_page_again(
    client, staff, login, post_form, shop
):
    order = place(shop)
    login(staff)
    response = pay(post_form, order, htmx=False, amount="25", version=1)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/board/orders/{order.number}"
    refused = pay(post_form, order, htmx=False, amount="1", version=2)
    assert refused.status_code == 409
    assert f"Order #{order.number} is already paid." in refused.get_data(as_text=True)


def test_a_refund_marks_the_order_refunded_once(client, staff, login, post_form, shop):
    order = place(shop)
    record_payment(order, 2500, "cash", Actor.of_user(staff), 1)
    login(staff)
    url = f"/board/orders/{order.number}/refund"

    response = post_form(url, {"version": 2}, page=url[: -len("/refund")], headers=HTMX)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Refunded CN¥25.00" in timeline(html)
    assert ">Mark refunded<" not in html and 'id="payment-form"' not in html
    assert Order.get_by_id(order.id).payment_status == "refunded"
    again = post_form(url, {"version": 3}, page=url[: -len("/refund")], headers=HTMX)
    assert again.status_code == 409
    assert "This order has no payment to refund." in again.get_data(as_text=True)


def test_a_cancelled_or_paid_order_takes_no_payment(app, staff, shop):
    actor = Actor.of_user(staff)
    cancelled = transition_order(place(shop), "cancelled", actor)
    with app.test_request_context(headers=EN):
        with pytest.raises(NotPayable, match="is cancelled; it takes no payment"):
            record_payment(cancelled, 100, "cash", actor, cancelled.version)
        paid = place(shop)
        record_payment(paid, None, "other", actor, 1)  # None: all that is outstanding
        with pytest.raises(NotPayable, match="is already paid"):
            record_payment(paid, 100, "cash", actor, 2)
    assert [p.amount for p in Payment.select()] == [2500]


def test_two_staff_recording_the_same_payment_at_once_record_it_once(app, staff, shop):
    order = place(shop)
    actor = Actor.of_user(staff)

    results = race(app, 2, lambda i: record_payment(order, 2500, "cash", actor, 1).id)

    assert Tally(outcome for outcome, _ in results) == {"ok": 1, "StaleOrder": 1}, results
    assert Payment.select().count() == 1
    stored = Order.get_by_id(order.id)
    assert (stored.payment_status, stored.version) == ("paid", 2)
    assert OrderEvent.select().where(OrderEvent.kind == "payment").count() == 1
    with pytest.raises(StaleOrder):
        record_payment(order, 100, "cash", actor, 1)


def test_a_payment_recorded_rule_runs_and_the_timeline_says_so(
    client, staff, login, post_form, shop
):
    save_rule(
        None,
        None,
        name="Paid orders go ahead",
        trigger="payment_recorded",
        enabled=True,
        conditions=[],
        actions=[{"kind": "confirm"}, {"kind": "add_tag", "tag": "pays promptly"}],
    )
    order = place(shop)
    login(staff)

    pay(post_form, order, amount="25.00", version=1)

    stored = Order.get_by_id(order.id)
    assert stored.status == "confirmed"
    assert stored.customer.tags == ["pays promptly"]
    html = client.get(f"/board/orders/{order.number}", headers=EN).get_data(as_text=True)
    rule_lines = re.findall(
        r'rule: Paid orders go ahead</span>\s*<span class="what">([^<]+)</span>', timeline(html)
    )
    assert rule_lines == [
        "Tagged the customer pays promptly",
        "Changed the status from Pending to Confirmed",
    ]


# --- Mark paid on the board ------------------------------------------------------------------


def bulk(client, data, htmx=True):
    token = csrf_token_from(client, "/board/")
    headers = {**HTMX, "X-CSRFToken": token} if htmx else EN
    return client.post("/board/bulk", data={"csrf_token": token, **data}, headers=headers)


def test_mark_paid_records_what_each_order_owes_and_reports_the_rest(client, staff, login, shop):
    fresh, part = place(shop), place(shop, 4)
    record_payment(part, 1000, "cash", Actor.of_user(staff), 1)
    cancelled = transition_order(place(shop), "cancelled", Actor.of_user(staff))
    login(staff)
    assert 'name="action" value="paid"' in client.get("/board/", headers=EN).get_data(as_text=True)

    response = bulk(
        client,
        {"action": "paid", "method": "bank_transfer", "ids": [fresh.id, part.id, cancelled.id]},
    )

    report = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Changed: 2 · Not changed: 1" in report
    assert f"Order #{cancelled.number} is cancelled; it takes no payment." in report
    assert [Order.get_by_id(o.id).payment_status for o in (fresh, part, cancelled)] == [
        "paid",
        "paid",
        "unpaid",
    ]
    assert {(p.order_id, p.amount, p.method) for p in Payment.select()} == {
        (part.id, 1000, "cash"),
        (fresh.id, 2500, "bank_transfer"),
        (part.id, 4000, "bank_transfer"),
    }
    assert bulk(client, {"action": "paid", "method": "gold", "ids": [fresh.id]}).status_code == 422


def test_raising_a_paid_orders_quantities_leaves_the_difference_to_pay(
    client, staff, login, post_form, shop
):
    order = place(shop)  # 2 × ¥12.50, paid in full
    record_payment(order, None, "cash", Actor.of_user(staff), expected_version=1)
    paid = Order.get_by_id(order.id)
    edit_order(
        paid,
        actor=Actor.of_user(staff),
        expected_version=paid.version,
        quantities={shop["apples"].id: 3},
    )
    login(staff)

    page = client.get(f"/board/orders/{order.number}", headers=EN).get_data(as_text=True)

    assert Order.get_by_id(order.id).payment_status == "partly_paid"
    assert re.search(r'name="amount"[^>]*value="12.50"', page)  # what is left to pay
    lowered = Order.get_by_id(order.id)
    edit_order(
        lowered,
        actor=Actor.of_user(staff),
        expected_version=lowered.version,
        quantities={shop["apples"].id: 1},
    )
    assert Order.get_by_id(order.id).payment_status == "paid"
