"""An exchange in a real browser: the customer asks on a phone (390×844) for another product on
the tracking page; staff approve on a desktop and follow the link to the replacement order; the
customer's page then shows the replacement order."""

import re

import pytest
from playwright.sync_api import expect

from models.orders.lifecycle import Actor, walk_order
from tests.factories import make_activity, make_product, order_for
from tests.helpers import MIN_TAP, assert_fits_the_screen, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def handed_over(app):
    with app.app_context():
        cake, pear = make_product(10, price=1250, name="Mooncakes"), make_product(3, name="Pears")
        order = order_for(make_activity([cake, pear]), [(cake, 2)], name="Eve")
        order = walk_order(order, ("confirmed", "processing", "ready", "completed"), Actor.system())
        return order.tracking_token


def test_a_customer_asks_for_an_exchange_and_staff_approve_it(new_page, handed_over, staff):
    phone = new_page(device="phone")
    phone.goto(f"/o/{handed_over}")
    phone.get_by_role("link", name="Ask for after-sales").click()
    phone.get_by_role("radio", name="Exchange", exact=True).wait_for()
    assert_fits_the_screen(phone)
    phone.get_by_role("radio", name="Exchange", exact=True).check()
    phone.get_by_label("How many").fill("1")
    phone.get_by_label("Reason").select_option("Damaged")
    phone.get_by_label("For an exchange: what you would like instead").select_option(label="Pears")
    phone.get_by_role("button", name="Send the request").click()
    cases = phone.locator("#after-sales")
    expect(cases).to_contain_text("SH-000001")
    expect(cases).to_contain_text("Exchange")

    desk = new_page(device="desktop")
    desk.goto("/login")
    sign_in(desk, staff)
    desk.wait_for_url("**/board/**")
    desk.goto("/board/after-sales")
    desk.get_by_role("link", name="SH-000001").click()
    expect(desk.locator(".exchange-for")).to_contain_text("exchange for Pears")
    desk.get_by_role("button", name="Approved").click()
    link = desk.locator(".replacement-order a")
    expect(link).to_have_text(re.compile(r"#\d+"))
    number = link.inner_text()
    link.click()
    expect(desk.locator(".replacing")).to_contain_text("SH-000001")
    expect(desk.locator("#order")).to_contain_text("Pears")

    phone.reload()
    replacement = phone.locator("#after-sales .replacement-order")
    expect(replacement).to_contain_text(f"Replacement order: {number}")
    assert replacement.get_by_role("link").bounding_box()["height"] >= MIN_TAP
    replacement.get_by_role("link").click()
    expect(phone.locator(".replacing")).to_contain_text(
        "This order replaces goods of after-sales case SH-000001"
    )
    assert_fits_the_screen(phone)
    assert phone.locator(".replacing a").bounding_box()["height"] >= MIN_TAP
