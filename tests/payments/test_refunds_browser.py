"""A partial refund in a real browser on a phone (390×844): the admin refunds one unit on
the order page, a bad amount is refused inline, the customer's page and receipt follow."""

import re

import pytest

from models.orders.lifecycle import Actor
from models.orders.payments import record_payment
from tests.factories import order_for
from tests.helpers import assert_fits_the_screen, sign_in

pytestmark = pytest.mark.browser


def test_an_admin_refunds_one_unit_and_the_customer_sees_it(new_page, app, shop, staff, admin):
    with app.app_context():
        order = order_for(shop["version"], [(shop["apples"], 2)])
        record_payment(order, None, "wechat", Actor.of_user(staff), None)
        line_id = order.lines[0].id

    page = new_page("phone")
    page.goto("/login")
    sign_in(page, admin)
    page.wait_for_url(re.compile(r"/board"))
    page.goto(f"/board/orders/{order.number}")
    page.get_by_text("Refund…").click()
    form = page.locator("#refund-form")
    form.get_by_label("Or an amount (yuan)").fill("99")
    form.get_by_role("button", name="Refund").click()
    page.get_by_text("At most CN¥25.00 can be refunded.").wait_for()
    assert form.get_by_label("Or an amount (yuan)").input_value() == "99"  # kept

    form = page.locator("#refund-form")
    form.get_by_label("Or an amount (yuan)").fill("")
    form.locator(f"#qty-{line_id}").fill("1")
    form.get_by_label("Refund by").select_option(label="WeChat Pay")
    form.get_by_label("Reason (optional)").fill("one bruised")
    form.get_by_role("button", name="Refund").click()
    page.locator(".refund-list").get_by_text("Apples × 1").wait_for()
    assert "Partly refunded" in page.locator("#order-payments").inner_text()
    assert_fits_the_screen(page)

    customer = new_page("phone")
    customer.goto(f"/o/{order.tracking_token}")
    customer.get_by_text("The shop refunded CN¥12.50 to you.").wait_for()
    customer.get_by_role("link", name="Receipt").click()
    customer.get_by_text("Refund (WeChat Pay)").wait_for()
    assert_fits_the_screen(customer)
