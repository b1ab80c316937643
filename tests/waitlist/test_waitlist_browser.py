"""A customer on a phone (390x844) finds the activity sold out, joins the waiting list, and when
a cancellation frees the units, orders them from their place page in one tap; staff on a phone
see the line from the board and take someone out of it. Pages checked with axe."""

import re

import pytest
from playwright.sync_api import expect

from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order
from models.waitlist.entry import WaitlistEntry, join
from tests.factories import make_shop, order_for
from tests.helpers import (
    assert_fits_the_screen,
    assert_tap_targets_are_big_enough,
    make_user,
    sign_in,
)
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


def test_staff_on_a_phone_see_the_line_and_take_someone_out(new_page, app):
    with app.app_context():
        shop = make_shop(products={"eggs": {"on_hand": 2, "price": 1500, "name": "Eggs"}})
        order_for(shop["version"], [(shop["eggs"], 2)], name="Ann")
        version = shop["version"]
        for name, phone in (("Cai", "13800138001"), ("Dai", "13800138002")):
            join(
                version.template,
                version,
                product_id=shop["eggs"].id,
                name=name,
                phone=phone,
                quantity=1,
            )
        staff = make_user("staff")
    page = new_page("phone")
    visitor = Visitor(page)

    page.goto("/login")
    sign_in(page, staff)
    page.get_by_role("link", name="Waiting lines").click()
    page.wait_for_url(re.compile(r"/board/waiting$"))
    page.get_by_role("heading", name=re.compile("Eggs")).wait_for()
    assert page.get_by_text("+8613800138002").is_visible()
    assert visitor.check(audit=True) == []
    assert_fits_the_screen(page)
    assert_tap_targets_are_big_enough(page)

    page.wait_for_load_state()
    page.on("dialog", lambda dialog: dialog.accept())  # "Take Dai out of the line?"
    page.locator("#waiting-2").get_by_role("button", name="Remove from the line").click()
    page.get_by_text("Dai is out of the line.").wait_for()
    expect(page.locator("#waiting-2")).to_have_count(0)  # the list shows who is in line
    with app.app_context():
        statuses = [e.status for e in WaitlistEntry.select().order_by(WaitlistEntry.id)]
    assert statuses == ["waiting", "withdrawn"]
    assert visitor.errors == []
