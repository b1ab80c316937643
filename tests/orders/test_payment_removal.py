"""Removing a payment recorded by mistake on the order page: the order is paid or unpaid again by
the payments left, the timeline says why, the reason is required, conflicts and refunded orders
are refused, only an admin or whoever recorded it may remove it, rules and customers see none of
it."""

import re
from collections import Counter as Tally

import pytest

from models.automation.rules import save_rule
from models.errors import StaleOrder
from models.orders.editing import edit_order
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order, OrderEvent
from models.orders.payments import Payment, PaymentNotRemovable, record_payment, remove_payment
from tests.factories import APPLES, SAMPLE, order_for
from tests.helpers import EN, HTMX, make_user, race, sign_in, timeline


@pytest.fixture
def shop(app_context, make_shop):
    return make_shop(products={"apples": APPLES, "sample": SAMPLE})


def place(shop, quantity=2) -> Order:
    return order_for(shop["version"], [(shop["apples"], quantity)])  # 2 × ¥12.50 = ¥25.00


def paid_by(user, order, amount=None, method="wechat") -> Payment:
    fresh = Order.get_by_id(order.id)
    return record_payment(fresh, amount, method, Actor.of_user(user), fresh.version)


def remove(post_form, order, payment, htmx=True, **data):
    page = f"/board/orders/{order.number}"
    return post_form(
        f"{page}/payments/{payment.id}/remove", data, page=page, headers=HTMX if htmx else EN
    )


def payments_card(html: str) -> str:
    start = html.index('id="order-payments"')
    return html[start : html.index("</section>", start)]


def payment_list(html: str) -> str:
    start = html.index('class="payment-list"')
    return html[start : html.index("</ol>", start)]


def test_removing_the_only_payment_makes_the_order_unpaid_with_the_total_outstanding(
    client, staff, login, post_form, shop
):
    order = place(shop)
    payment = paid_by(staff, order)
    login(staff)
    page = client.get(f"/board/orders/{order.number}", headers=EN).get_data(as_text=True)
    assert "Remove…" in payments_card(page) and 'id="payment-form"' not in page
    assert f'hx-confirm="Remove the payment of CN¥25.00 from order #{order.number}?"' in page

    response = remove(post_form, order, payment, reason="Paid on the wrong order", version=2)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="order"')
    assert re.search(r'class="outstanding">CN¥25.00<', html)
    assert re.search(r'name="amount"[^>]*value="25.00"', html)  # the payment form is back
    assert "No payments recorded." in payment_list(html)
    assert "Removed a payment of CN¥25.00 (WeChat Pay): Paid on the wrong order" in timeline(html)
    stored = Order.get_by_id(order.id)
    assert (stored.payment_status, stored.version) == ("unpaid", 3)
    assert Payment.select().count() == 0
    event = OrderEvent.get(OrderEvent.kind == "payment_removed")
    assert (event.actor_user_id, event.from_status, event.to_status) == (staff.id, "paid", "unpaid")


def test_removing_one_of_two_part_payments_leaves_the_other(client, staff, login, post_form, shop):
    order = place(shop)
    paid_by(staff, order, 1000, "cash")
    wrong = paid_by(staff, order, 1500, "alipay")
    assert Order.get_by_id(order.id).payment_status == "paid"
    login(staff)

    response = remove(post_form, order, wrong, htmx=False, reason="Typed ¥15, got ¥5", version=3)

    assert response.status_code == 303  # without JavaScript: back to the page
    assert response.headers["Location"] == f"/board/orders/{order.number}"
    html = client.get(f"/board/orders/{order.number}", headers=EN).get_data(as_text=True)
    listed = payment_list(html)
    assert "CN¥10.00" in listed and "Cash" in listed and "Alipay" not in listed
    assert re.search(r'class="outstanding">CN¥15.00<', payments_card(html))
    assert "Removed a payment of CN¥15.00 (Alipay): Typed ¥15, got ¥5" in timeline(html)
    assert Order.get_by_id(order.id).payment_status == "partly_paid"
    assert [(p.amount, p.method) for p in Payment.select()] == [(1000, "cash")]


@pytest.mark.parametrize(
    ("typed", "error"),
    [("   ", "Say why the payment is removed."), ("x" * 201, "Keep the reason under 200")],
)
@pytest.mark.parametrize("htmx", [True, False])
def test_a_missing_or_too_long_reason_comes_back_with_the_error_and_the_typed_text(
    client, staff, login, post_form, shop, typed, error, htmx
):
    order = place(shop)
    payment = paid_by(staff, order)
    login(staff)

    response = remove(post_form, order, payment, htmx=htmx, reason=typed, version=2)

    assert response.status_code == 422
    card = payments_card(response.get_data(as_text=True))
    assert error in card
    assert '<details class="remove-payment" open>' in card
    kept = typed.strip()  # what was typed, trimmed
    assert re.search(rf'aria-invalid="true"[^>]*id="reason-{payment.id}"[^>]*value="{kept}"', card)
    assert Payment.select().count() == 1
    stored = Order.get_by_id(order.id)
    assert (stored.payment_status, stored.version) == ("paid", 2)


def test_a_removal_from_a_stale_page_is_a_conflict_and_keeps_the_payment(
    client, staff, login, post_form, shop
):
    order = place(shop)
    payment = paid_by(staff, order)
    login(staff)
    transition_order(Order.get_by_id(order.id), "confirmed", Actor.system())  # meanwhile

    response = remove(post_form, order, payment, reason="Wrong order", version=2)

    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else changed this order a moment ago" in html
    assert 'name="version" value="3"' in html  # the fresh order
    assert Payment.select().count() == 1
    assert Order.get_by_id(order.id).payment_status == "paid"
    assert not OrderEvent.select().where(OrderEvent.kind == "payment_removed").exists()


def test_a_payment_removed_meanwhile_is_a_conflict_not_a_missing_page(
    client, staff, login, post_form, shop
):
    order = place(shop)
    payment = paid_by(staff, order)
    remove_payment(payment, Actor.of_user(staff), 2, "Someone else was quicker")
    login(staff)

    response = remove(post_form, order, payment, reason="Wrong order", version=2)

    assert response.status_code == 409
    assert "Someone else changed this order" in response.get_data(as_text=True)
    stray = paid_by(staff, order)
    other = place(shop)
    elsewhere = remove(post_form, other, stray, reason="Wrong order", version=1)
    assert elsewhere.status_code == 404  # a payment of another order


def test_a_refunded_orders_payments_cannot_be_removed(client, admin, login, post_form, shop):
    order = place(shop)
    payment = paid_by(admin, order)
    login(admin)
    refund = f"/board/orders/{order.number}/refund"
    post_form(refund, {"version": 2}, page=f"/board/orders/{order.number}", headers=HTMX)
    page = client.get(f"/board/orders/{order.number}", headers=EN).get_data(as_text=True)
    assert "Remove…" not in payments_card(page)

    response = remove(post_form, order, payment, reason="Wrong order", version=3)

    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert f"Order #{order.number} was refunded; its payments can no longer be removed." in html
    assert Payment.select().count() == 1
    assert Order.get_by_id(order.id).payment_status == "refunded"


def test_staff_may_not_remove_a_payment_someone_else_recorded(
    client, staff, login, post_form, shop
):
    order = place(shop)
    payment = paid_by(make_user("staff"), order)
    login(staff)
    page = client.get(f"/board/orders/{order.number}", headers=EN).get_data(as_text=True)
    assert "Remove…" not in payments_card(page)

    response = remove(post_form, order, payment, reason="Not mine", version=2)

    assert response.status_code == 403
    assert Payment.select().count() == 1
    assert Order.get_by_id(order.id).version == 2
    with pytest.raises(PaymentNotRemovable):
        remove_payment(payment, Actor.of_user(staff), 2, "Not mine")


@pytest.mark.parametrize("who", ["recorder", "admin"])
def test_the_recorder_or_an_admin_may_remove_a_payment(
    client, staff, admin, login, post_form, shop, who
):
    order = place(shop)
    payment = paid_by(staff, order)
    login(staff if who == "recorder" else admin)
    page = client.get(f"/board/orders/{order.number}", headers=EN).get_data(as_text=True)
    assert "Remove…" in payments_card(page)

    response = remove(post_form, order, payment, reason="Wrong amount", version=2)

    assert response.status_code == 200
    assert Payment.select().count() == 0
    event = OrderEvent.get(OrderEvent.kind == "payment_removed")
    assert event.actor_user_id == (staff if who == "recorder" else admin).id


def test_only_an_admin_removes_a_payment_the_system_recorded(staff, admin, shop):
    order = place(shop)
    payment = record_payment(order, None, "other", Actor.system(), 1)
    with pytest.raises(PaymentNotRemovable):
        remove_payment(payment, Actor.of_user(staff), 2, "Not ours")
    removed = remove_payment(payment, Actor.of_user(admin), 2, "Not ours")
    assert removed.payment_status == "unpaid"


def test_the_customer_sees_the_order_unpaid_again_but_not_the_reason(client, staff, shop):
    order = place(shop)
    payment = paid_by(staff, order)
    remove_payment(payment, Actor.of_user(staff), 2, "Staff typo, customer owes us")

    page = client.get(f"/o/{order.tracking_token}", headers=EN).get_data(as_text=True)

    assert "Payment: Unpaid" in page
    assert "The shop corrected its record of your payments." in page
    assert "typo" not in page and "Removed" not in page and "removed" not in page


def test_a_removal_runs_no_payment_recorded_rules(client, staff, login, post_form, shop):
    order = place(shop)
    payment = paid_by(staff, order)
    save_rule(
        None,
        None,
        name="Tag payers",
        trigger="payment_recorded",
        enabled=True,
        conditions=[],
        actions=[{"kind": "add_tag", "tag": "paid"}],
    )
    login(staff)

    response = remove(post_form, order, payment, reason="Wrong order", version=2)

    assert response.status_code == 200
    assert Order.get_by_id(order.id).customer.tags == []
    assert "rule: Tag payers" not in timeline(response.get_data(as_text=True))


def test_a_free_order_stays_paid_when_its_payment_goes(staff, shop):
    actor = Actor.of_user(staff)
    order = order_for(shop["version"], [(shop["apples"], 1), (shop["sample"], 1)])
    payment = paid_by(staff, order)
    paid = Order.get_by_id(order.id)
    free = edit_order(
        paid, actor=actor, expected_version=paid.version, quantities={shop["apples"].id: 0}
    )
    assert (free.total, free.payment_status) == (0, "paid")

    after = remove_payment(payment, actor, free.version, "Was never charged")

    assert (after.payment_status, after.version) == ("paid", free.version + 1)


def test_two_people_removing_the_same_payment_at_once_remove_it_once(app, staff, admin, shop):
    order = place(shop)
    payment = paid_by(staff, order)
    actors = [Actor.of_user(staff), Actor.of_user(admin)]

    results = race(app, 2, lambda i: remove_payment(payment, actors[i], 2, f"mistake {i}").version)

    assert Tally(outcome for outcome, _ in results) == {"ok": 1, "StaleOrder": 1}, results
    assert OrderEvent.select().where(OrderEvent.kind == "payment_removed").count() == 1
    stored = Order.get_by_id(order.id)
    assert (stored.payment_status, stored.version) == ("unpaid", 3)
    with pytest.raises(StaleOrder):
        remove_payment(payment, actors[0], 3, "again")


# --- in the browser ---------------------------------------------------------------------------


@pytest.mark.browser
def test_staff_record_a_payment_and_take_it_back_in_the_browser(desktop_page, staff, shop):
    order = place(shop)
    page = desktop_page
    page.on("dialog", lambda dialog: dialog.accept())  # the "Remove the payment…?" confirm
    page.goto(f"/board/orders/{order.number}")
    page.wait_for_url("**/login?next=*")
    sign_in(page, staff)
    page.wait_for_url(f"**/board/orders/{order.number}")

    card = page.locator("#order-payments")
    card.get_by_role("button", name="Record payment").click()
    card.locator(".payment-list li", has_text="25.00").wait_for()
    payment = Payment.get(Payment.order == order.id)
    assert Order.get_by_id(order.id).payment_status == "paid"

    card.locator("summary", has_text="Remove").click()
    card.get_by_role("button", name="Remove payment").click()  # no reason yet
    card.locator(".error", has_text="Say why the payment is removed.").wait_for()
    assert Payment.select().count() == 1

    page.fill(f"#reason-{payment.id}", "Paid for the neighbour's order")
    card.get_by_role("button", name="Remove payment").click()
    page.locator("#timeline", has_text="Paid for the neighbour's order").wait_for()
    assert page.locator("#order-payments .payment").first.inner_text() == "Unpaid"
    assert Payment.select().count() == 0
    assert Order.get_by_id(order.id).payment_status == "unpaid"
