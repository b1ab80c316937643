"""An admin defines two customer tiers on a desktop (a mistake first: the error beside its
field), and a customer's order page and the customers list then show the customer's tier.
Screenshot: docs/screenshots/tiers-desktop.png."""

import re

import pytest

from models.orders.lifecycle import Actor, walk_order
from models.reports.recount import rebuild
from tests.factories import order_for
from tests.helpers import make_user, screenshot, sign_in
from tests.tiers.test_tier_recount import PATH

pytestmark = pytest.mark.browser


def add_tier(page, name: str, rank: str, spend: str = "", orders: str = "") -> None:
    form = page.locator("#tier-form")
    form.get_by_label("Name").fill(name)
    form.get_by_label("Rank").fill(rank)
    form.get_by_label("Spend at least (yuan)").fill(spend)
    form.get_by_label("Completed orders at least").fill(orders)
    form.get_by_role("button", name="Add tier").click()


def test_an_admin_defines_two_tiers_and_the_order_page_shows_the_customers(
    app, new_page, make_shop
):
    shop = make_shop(products={"apples": {"on_hand": 50, "price": 5000, "name": "Apples"}})
    with app.app_context():
        admin = make_user("admin")
        order = order_for(shop["version"], [(shop["apples"], 1)], name="Wang Fang")
        walk_order(order, PATH, Actor.system())

    page = new_page("desktop")
    page.goto("/admin/tiers")
    sign_in(page, admin)
    page.wait_for_url("**/admin/tiers")
    page.wait_for_load_state()
    page.wait_for_function("() => window.htmx !== undefined")

    add_tier(page, "", "1", orders="1")  # no name
    error = page.locator("#tier-form .error", has_text="Enter a name.")
    error.wait_for()
    assert page.locator("#tier-form").get_by_label("Rank").input_value() == "1"

    add_tier(page, "银卡", "1", orders="1")
    page.locator("tr[data-tier='银卡']").wait_for()
    page.wait_for_load_state()
    add_tier(page, "金卡", "2", spend="200", orders="3")
    gold = page.locator("tr[data-tier='金卡']")
    gold.wait_for()
    assert "spend ≥ CN¥200.00 and completed orders ≥ 3" in gold.inner_text()
    screenshot(page, "tiers-desktop.png")

    with app.app_context():
        rebuild()  # what the sweeper does a minute after a change: the rollup, then the tiers
    page.goto(f"/board/orders/{order.number}")
    tier = page.locator("#order-customer .customer-tier")
    tier.wait_for()
    assert tier.inner_text() == "银卡"

    page.goto("/customers/")
    page.wait_for_load_state()
    page.locator("label.chip", has_text="金卡").click()
    page.wait_for_url(re.compile(r"tier="))
    page.locator("#customer-list .empty").wait_for()
    page.locator("label.chip", has_text="银卡").click()
    page.locator("#customer-list tr", has_text="Wang Fang").wait_for()
