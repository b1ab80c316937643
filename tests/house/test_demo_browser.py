"""The demo shop as a newcomer finds it after `flask demo`, on a phone in Chromium."""

import re
from datetime import timedelta

import pytest

from commands.demo.shop import SLOT_HOURS
from models.catalog.products import Product
from models.orders.order import Order
from models.shop_time import shop_today

pytestmark = pytest.mark.browser


def test_a_newcomer_books_home_cleaning_two_weeks_ahead(app, runner, phone_page):
    assert runner.invoke(args=["demo", "--seed", "7"]).exit_code == 0
    with app.app_context():
        last_day = (shop_today() + timedelta(days=14)).isoformat()
        cleaning = Product.get(Product.sku == "SV-CLEAN2")
    slot = f"{last_day} {SLOT_HOURS[-1]}"
    page = phone_page

    page.goto("/f/home-cleaning")
    page.locator("input[name=name]").fill("New Customer")
    page.locator("input[name=phone]").fill("139 1234 5678")
    page.locator(f"input[name='service-{cleaning.id}']").check()  # one or none: a tick box
    page.locator(f"input[name=slot][value='{slot}']").check()
    page.locator("[name=address]").fill("幸福小区 3 栋 101 室")
    page.get_by_role("button", name="Place order").click()

    page.wait_for_url(re.compile(r"/o/[\w-]+$"))
    with app.app_context():
        order = Order.get(Order.tracking_token == page.url.rsplit("/", 1)[1])
    assert order.answers["slot"] == slot
