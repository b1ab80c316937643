"""The settlement report in Chromium on a desktop and a 390 × 844 phone: pick the range (htmx
swaps the report and keeps the URL), import a WeChat Pay bill, preview it, match it. Screenshots:
docs/screenshots/settlement-<device>.png and bill-<device>.png."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from models.orders.lifecycle import Actor
from models.orders.payments import record_payment
from tests.factories import order_for
from tests.helpers import assert_fits_the_screen, screenshot, sign_in
from tests.reports.bill_files import Trade, wechat_bill

pytestmark = pytest.mark.browser
SHOP = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def paid(app, shop, admin):
    """Three orders paid by WeChat Pay yesterday (shop time)."""
    yesterday = datetime.now(SHOP).replace(hour=10, minute=0, second=0, microsecond=0)
    yesterday -= timedelta(days=1)
    orders = []
    with app.app_context():
        for n in range(3):
            with time_machine.travel(yesterday + timedelta(minutes=10 * n), tick=False):
                order = order_for(shop["version"], [(shop["apples"], n + 1)])
                record_payment(order, None, "wechat", Actor.of_user(admin), order.version)
                orders.append(order)
    return yesterday, orders


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_settlement_report_and_a_bill_in_a_browser(new_page, admin, paid, device, tmp_path):
    yesterday, orders = paid
    page = new_page(device=device)
    page.goto("/login?next=/reports/settlement")
    sign_in(page, admin)
    page.wait_for_selector("#settlement #table-days")
    page.wait_for_load_state()  # htmx (deferred) listens by now: the change below is sent
    day = yesterday.date().isoformat()
    page.fill("#report-from", day)
    page.locator("#report-from").dispatch_event("change")
    page.wait_for_url(f"**from={day}**")
    page.wait_for_selector(f"#report-from[value='{day}']")
    assert page.inner_text("#total-received").endswith("¥75.00")
    assert "WeChat Pay" in page.inner_text("#table-days tbody")
    if device == "phone":
        assert_fits_the_screen(page)
    screenshot(page, f"settlement-{device}.png")
    page.emulate_media(media="print")  # the tables print; the form, links and import do not
    assert page.locator("#table-days").is_visible()
    for hidden in (".report-filters", ".report-nav", ".report-downloads", "#import-heading"):
        assert not page.locator(hidden).first.is_visible(), hidden
    page.emulate_media(media="screen")

    when = yesterday.astimezone(SHOP)  # bills are in Beijing time
    bill = tmp_path / "wechat-bill.csv"
    bill.write_bytes(
        wechat_bill(
            [
                Trade(
                    f"{when:%Y-%m-%d %H:%M:%S}",
                    "4200000001",
                    f"JL{orders[0].number}",
                    "12.50",
                    fee="0.08",
                ),
                Trade(
                    f"{when + timedelta(minutes=10):%Y-%m-%d %H:%M:%S}",
                    "4200000002",
                    f"JL{orders[1].number}",
                    "20.00",
                    fee="0.12",
                ),
            ]
        )
    )
    page.set_input_files("#bill", str(bill))
    page.get_by_role("button", name="Import and preview").click()
    page.wait_for_selector("#bill #table-lines")
    assert page.locator("#table-lines tbody tr").count() == 2
    page.get_by_role("button", name="Match with Jielong").click()
    page.wait_for_selector("#count-matched")
    assert page.inner_text("#count-matched") == "1"
    assert page.inner_text("#count-amount_mismatch") == "1"
    assert page.inner_text("#count-only_in_jielong") == "1"
    if device == "phone":
        page.wait_for_load_state("load")  # its stylesheets too: a loaded machine was slower
        assert_fits_the_screen(page)
    screenshot(page, f"bill-{device}.png")
