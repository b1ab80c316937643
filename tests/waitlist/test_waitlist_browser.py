"""A customer on a phone (390x844) finds the activity sold out, joins the waiting list, and when
a cancellation frees the units, orders them from their place page in one tap. Pages checked
with axe."""

import re

import pytest

from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order
from tests.factories import make_shop, order_for
from tests.helpers import assert_fits_the_screen, assert_tap_targets_are_big_enough
from tests.page_checks import Visitor

pytestmark = pytest.mark.browser


def test_a_customer_waits_for_a_sold_out_product_and_orders_it_when_offered(new_page, app):
    with app.app_context():
        shop = make_shop(products={"eggs": {"on_hand": 2, "price": 1500, "name": "Eggs"}})
        taken = order_for(shop["version"], [(shop["eggs"], 2)], name="Ann")
        slug = shop["version"].template.slug
    page = new_page("phone")
    visitor = Visitor(page)

    page.goto(f"/f/{slug}")
    page.get_by_role("link", name="Join the waiting list").click()
    page.wait_for_url(re.compile(r"/wait$"))
    assert visitor.check(audit=True) == []
    assert_fits_the_screen(page)
    assert_tap_targets_are_big_enough(page)
    page.get_by_label("Phone number").fill("13800138001")
    page.get_by_label("Name").fill("Cai")
    page.get_by_label("How many").fill("2")
    page.get_by_role("button", name="Join the waiting list").click()

    page.get_by_text("You are number 1 in line.").wait_for()
    assert page.get_by_text("Cai · 138****8001").is_visible()
    assert visitor.check(audit=True) == []

    with app.app_context():
        transition_order(taken, "cancelled", Actor.system())
    page.reload()
    page.get_by_text("2 are held for you until").wait_for()
    page.get_by_role("button", name="Order them now").click()

    page.wait_for_url(re.compile(r"/o/"))
    with app.app_context():
        order = Order.get(Order.status == "pending")
        assert [(line.name, line.quantity) for line in order.lines] == [("Eggs", 2)]
    assert visitor.errors == []
