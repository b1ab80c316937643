"""The sales report in Chromium on a 390 × 844 phone and a desktop: open it, change the range
(htmx swaps the report and keeps the URL). Screenshots: docs/screenshots/reports-phone.png and
reports-desktop.png."""

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from models.orders.lifecycle import Actor
from models.orders.payments import record_payment
from models.reports.recount import rebuild
from tests.factories import order_for
from tests.helpers import assert_fits_the_screen, screenshot, sign_in
from tests.page_checks import Visitor

pytestmark = pytest.mark.browser


@pytest.fixture
def sales(app, make_shop, admin):
    """Sixty days of orders at two pickup points, most of them paid."""
    shop = make_shop(
        products={
            "berries": {"on_hand": 5000, "price": 3990, "name": "丹东草莓 Strawberries"},
            "eggs": {"on_hand": 5000, "price": 1800, "name": "土鸡蛋 Eggs"},
        },
        points={"north": {"name": "North gate"}, "market": {"name": "Market"}},
    )
    chance = random.Random(7)
    now = datetime.now(UTC)
    with app.app_context():
        for n in range(160):
            moment = now - timedelta(days=chance.uniform(0, 60), hours=chance.choice([0, 2, 9]))
            with time_machine.travel(moment, tick=False):
                order = order_for(
                    shop["version"],
                    [(shop["berries"], chance.randint(1, 3)), (shop["eggs"], chance.randint(1, 2))],
                    pickup_point=shop[chance.choice(["north", "market"])],
                )
                if n % 4:
                    method = chance.choice(["wechat", "alipay", "cash"])
                    record_payment(order, None, method, Actor.of_user(admin), order.version)
        rebuild()
    return shop


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_sales_report_in_a_browser(new_page, admin, sales, device):
    page = new_page(device=device)
    page.goto("/login?next=/reports/sales")
    sign_in(page, admin)
    page.wait_for_selector("#sales .report-figures")
    page.wait_for_load_state()  # htmx (deferred) listens by now
    assert page.locator("svg.chart").count() == 3
    start = (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=13)).date().isoformat()
    page.fill("#report-from", start)
    page.locator("#report-from").dispatch_event("change")
    page.wait_for_url(f"**from={start}**")
    page.wait_for_selector(f"#report-from[value='{start}']")
    assert "14 days before" in page.inner_text(".report-range")
    if device == "phone":
        assert_fits_the_screen(page)
    screenshot(page, f"reports-{device}.png")


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_customers_report_in_a_browser(new_page, admin, sales, device):
    """Open it, group by week (the URL keeps it), pass axe, follow a segment to the customers."""
    page = new_page(device=device)
    page.goto("/login?next=/reports/customers")
    sign_in(page, admin)
    page.wait_for_selector("#customers-report .report-figures")
    page.wait_for_load_state()  # htmx (deferred) listens by now
    assert page.locator("svg.chart").count() == 2
    assert int(page.inner_text("#figure-customers")) > 0
    page.select_option("#report-group", "week")
    page.wait_for_url("**group=week**")
    page.wait_for_selector("#report-group option[value='week'][selected]", state="attached")
    assert Visitor(page).visit(page.url, audit=True) == []
    if device == "phone":
        assert_fits_the_screen(page)
    new = page.locator("#table-segments tbody tr").filter(has_text="New").first
    count = int(new.locator("td").first.inner_text())
    new.locator("a.segment-link").click()
    page.wait_for_selector("#segment-shown")
    assert page.locator("#customer-rows tr[id^='customer-']").count() == min(count, 50)


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_the_products_report_in_a_browser(new_page, admin, sales, device):
    """Open it, narrow the slow movers' days (the URL keeps them), pass axe."""
    page = new_page(device=device)
    page.goto("/login?next=/reports/products")
    sign_in(page, admin)
    page.wait_for_selector("#products-report .report-figures")
    page.wait_for_load_state()  # htmx (deferred) listens by now
    assert page.locator("svg.chart").count() == 1
    assert page.locator("#table-products tbody tr").count() == 2
    page.fill("#report-idle", "7")
    page.locator("#report-idle").dispatch_event("change")
    page.wait_for_url("**idle=7**")
    page.wait_for_selector("#report-idle[value='7']")
    assert Visitor(page).visit(page.url, audit=True) == []
    if device == "phone":
        assert_fits_the_screen(page)
