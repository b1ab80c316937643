"""A customer uses a coupon on a phone (390x844) in a real browser, with and without
JavaScript: the total follows the code as it is typed, a refused code says why."""

import re

import pytest

from models.activities.pickup import PickupPoint
from models.orders.order import Order
from models.promotions.offer import Offer
from tests.factories import make_activity, make_product
from tests.helpers import assert_fits_the_screen, screenshot


@pytest.fixture
def activity(app):
    with app.app_context():
        cherries = make_product(20, price=4000, name="Cherries 1kg")
        point = PickupPoint.create(name="East gate", address="88 River Rd")
        version = make_activity([cherries], settings={"pickup_point_ids": [point.id]})
        Offer.create(name="Welcome 10 off", code="HELLO10", value=1000)
        Offer.create(name="满100减15", code=None, value=1500, min_spend=10000)
        return {"slug": version.template.slug, "cherries": cherries}


def test_a_coupon_changes_the_live_total_on_a_phone(new_page, activity, app):
    page = new_page("phone")
    page.goto(f"/f/{activity['slug']}")
    page.get_by_label("Name").fill("Wang Fang")
    page.get_by_label("Phone").fill("138 0013 8000")
    page.locator(f"input[name='items-{activity['cherries'].id}']").fill("2")
    page.wait_for_function(
        "() => document.querySelector('#order-total strong').dataset.total === '8000'"
    )
    assert page.get_by_text("Spend CN¥20.00 more for 满100减15").is_visible()

    page.get_by_label("Coupon code (optional)").fill("nope")
    page.get_by_text("There is no coupon with this code.").wait_for()
    page.get_by_label("Coupon code (optional)").fill("hello10")
    page.wait_for_function(
        "() => document.querySelector('#order-total strong').dataset.total === '7000'"
    )
    assert page.locator("#order-total").get_by_text("Welcome 10 off").is_visible()
    assert_fits_the_screen(page)
    screenshot(page, "coupon-phone.png")
    page.get_by_role("button", name="Place order").click()

    page.wait_for_url(re.compile(r"/o/[\w-]+$"))
    with app.app_context():
        order = Order.get()
        assert (order.discount, order.total) == (1000, 7000)


def test_without_javascript_apply_shows_the_total_and_a_refusal_stays_on_the_form(
    new_page, activity, app
):
    page = new_page("phone", javascript=False)
    page.goto(f"/f/{activity['slug']}")
    page.get_by_label("Name").fill("Li Lei")
    page.get_by_label("Phone").fill("13900139000")
    page.locator(f"input[name='items-{activity['cherries'].id}']").fill("3")
    page.get_by_label("Coupon code (optional)").fill("WRONG")
    page.get_by_role("button", name="Apply").click()

    assert (
        page.locator("#field-coupon").get_by_text("There is no coupon with this code.").is_visible()
    )
    assert page.get_by_label("Coupon code (optional)").input_value() == "WRONG"
    page.get_by_label("Coupon code (optional)").fill("")
    page.get_by_role("button", name="Apply").click()
    assert page.locator("#order-total strong").get_attribute("data-total") == "10500"  # 满100减15
    page.get_by_role("button", name="Place order").click()

    page.wait_for_url(re.compile(r"/o/[\w-]+$"))
    with app.app_context():
        assert Order.get().discount == 1500
