"""Staff on a phone (390x844) enter an order a customer phoned in: choose the activity, fill in
the form, place it, and land on the order with its source. Pages checked with axe."""

import re

import pytest

from models.orders.order import Order
from tests.factories import make_shop
from tests.helpers import assert_fits_the_screen, assert_tap_targets_are_big_enough, sign_in
from tests.page_checks import Visitor

pytestmark = pytest.mark.browser


def test_staff_enter_a_phoned_order_on_a_phone(new_page, app, staff):
    with app.app_context():
        shop = make_shop(
            products={"eggs": {"on_hand": 10, "price": 1500, "name": "Eggs"}},
            points={"north": {"name": "North gate", "address": "1 North Rd"}},
        )
        title = shop["version"].template.title
    page = new_page("phone")
    visitor = Visitor(page)
    page.goto("/login")
    sign_in(page, staff)
    page.wait_for_url(lambda url: "/login" not in url)

    page.goto("/board/enter")
    page.get_by_label("Activity").select_option(label=title)
    page.get_by_role("button", name="Choose").click()
    page.get_by_label("Phone number").wait_for()
    assert visitor.check(audit=True) == []
    assert_fits_the_screen(page)
    assert_tap_targets_are_big_enough(page)
    page.get_by_label("Phone number").fill("13800138000")
    page.get_by_label("Name").fill("Grandma Li")
    page.get_by_label("Eggs").fill("3")
    page.get_by_role("button", name="Place the order").click()

    page.wait_for_url(re.compile(r"/board/orders/\d+$"))
    assert page.get_by_text("Entered by staff · Phone call").is_visible()
    with app.app_context():
        order = Order.get()
        assert (order.source, order.customer.name, order.total) == ("staff", "Grandma Li", 4500)
    assert visitor.errors == []
