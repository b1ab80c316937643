"""Member prices in a real browser: an admin sets a product's member prices on a desktop (a
mistake first, its error beside the box, what was typed kept), and a customer of that tier sees
the member price on the order form on a 390×844 phone, the live total following the phone
number they type."""

import re

import pytest

from models.customers.customer import Customer
from models.customers.tier import CustomerTier
from models.tiers.prices import member_prices, save_member_prices
from tests.helpers import (
    assert_fits_the_screen,
    assert_tap_targets_are_big_enough,
    make_user,
    sign_in,
)
from tests.page_checks import Visitor

pytestmark = pytest.mark.browser

MEMBER = "13800138111"


def test_an_admin_sets_member_prices_on_a_desktop(app, new_page, make_shop):
    shop = make_shop(products={"apples": {"on_hand": 50, "price": 1000, "name": "Apples"}})
    with app.app_context():
        admin = make_user("admin")
        gold = CustomerTier.create(name="金卡", rank=2)
        silver = CustomerTier.create(name="银卡", rank=1)
    apples = shop["apples"]

    page = new_page("desktop")
    visitor = Visitor(page)
    page.goto(f"/admin/products/{apples.id}")
    sign_in(page, admin)
    page.wait_for_url(re.compile(rf"/admin/products/{apples.id}$"))
    page.get_by_role("link", name="Member prices").click()
    page.wait_for_url(re.compile(r"/member-prices$"))
    page.wait_for_load_state()
    page.wait_for_function("() => window.htmx !== undefined")

    form = page.locator("#member-prices-form")
    form.get_by_label("金卡").fill("-1")
    form.get_by_label("银卡").fill("9")
    form.get_by_role("button", name="Save").click()
    form.locator(".error", has_text="Enter an amount in yuan").wait_for()
    assert form.get_by_label("金卡").input_value() == "-1"
    assert form.get_by_label("银卡").input_value() == "9"

    form.get_by_label("金卡").fill("8.5")
    form.get_by_role("button", name="Save").click()
    page.locator(".flash, [role=status]", has_text="Member prices of").first.wait_for()
    assert page.locator("#member-prices-form").get_by_label("金卡").input_value() == "8.50"
    with app.app_context():
        assert member_prices(apples.id) == {gold.id: 850, silver.id: 900}
    problems = visitor.visit(f"/admin/products/{apples.id}/member-prices", audit=True)
    assert not problems, problems


def test_a_member_sees_the_member_price_on_a_phone(app, new_page, make_shop):
    shop = make_shop(products={"apples": {"on_hand": 50, "price": 1000, "name": "Apples"}})
    apples = shop["apples"]
    with app.app_context():
        gold = CustomerTier.create(name="金卡", rank=2)
        save_member_prices(apples, "", {gold.id: 850})
        member = Customer.find_or_create("王芳", MEMBER)
        Customer.update(tier=gold.id).where(Customer.id == member.id).execute()

    page = new_page("phone", locale="zh-CN")
    visitor = Visitor(page, latin="")
    slug = shop["version"].template.slug
    problems = visitor.visit(f"/f/{slug}", audit=True)
    assert not problems, problems
    line = page.locator(".product-line", has_text="Apples")
    assert "会员价 CN¥8.50" in line.inner_text() or "会员价 ¥8.50" in line.inner_text()
    assert_fits_the_screen(page)
    assert_tap_targets_are_big_enough(page)

    page.locator(f"#items-{apples.id}").fill("2")
    page.locator("#phone").fill("138 0013 9999")  # no tier: the list price
    page.locator("[data-total='2000']").wait_for()
    page.locator("#phone").fill(MEMBER)
    page.locator("#phone").blur()
    page.locator("[data-total='1700']").wait_for()
