"""A group-buy customer on a 390×844 phone sees when to collect (issue 12, item 16): next to
each pickup point on the order form, on the tracking page with its reminder, in Chinese too,
and on /my."""

import re

import pytest

from models.activities.pickup import PickupPoint
from models.messaging.channels.sms import recent_messages
from tasks.automation import tick
from tests.factories import make_activity, make_product
from tests.orders.test_customer_browser import AMBIGUOUS_DATE, fits, shop_day, weekday_date

pytestmark = pytest.mark.browser

EVERY_DAY = range(7)
PHONE_TYPED = "13900017143"


@pytest.fixture
def group_buy(app):
    """Fruit collected the day after tomorrow at one of two points, each at its own hours;
    customers are reminded three days ahead, so at once."""
    with app.app_context():
        gate = PickupPoint.create(
            name="East gate",
            address="88 River Rd",
            hours=[{"day": d, "from": "10:00", "until": "12:00"} for d in EVERY_DAY],
        )
        metro = PickupPoint.create(
            name="Metro exit B",
            hours=[{"day": d, "from": "17:00", "until": "19:00"} for d in EVERY_DAY],
        )
        apples = make_product(20, price=1250, name="Apples")
        version = make_activity(
            [apples],
            title="Weekend fruit",
            settings={
                "pickup_point_ids": [gate.id, metro.id],
                "pickup_window": {"date": f"{shop_day(2):%Y-%m-%d}", "from": None, "until": None},
                "pickup_reminder_minutes": 3 * 24 * 60,
            },
        )
        return {"slug": version.template.slug, "apples": apples}


def test_a_customer_sees_when_to_collect_from_order_form_to_reminder(
    app, new_page, group_buy, tmp_path
):
    app.config["SMS_LOG_PATH"] = str(tmp_path / "sms.jsonl")
    day = weekday_date(2)
    customer = new_page("phone")
    customer.goto(f"/f/{group_buy['slug']}")
    gate = customer.locator("label.option", has_text="East gate")
    metro = customer.locator("label.option", has_text="Metro exit B")
    assert f"Pickup {day}, 10:00" in gate.inner_text() and "in 2 days" in gate.inner_text()
    assert f"Pickup {day}, 5:00" in metro.inner_text() and "7:00" in metro.inner_text()
    fits(customer)
    customer.get_by_label("Name").fill("Wang Fang")
    customer.get_by_label("Phone").fill(PHONE_TYPED)
    customer.get_by_role("button", name="One more Apples").click()
    gate.click()
    customer.get_by_role("button", name="Place order").click()
    customer.wait_for_url(re.compile(r"/o/[\w-]+$"))

    window = customer.locator(".pickup-window")
    assert window.inner_text().startswith(f"Pickup time: {day}, 10:00")
    assert "12:00" in window.inner_text() and "in 2 days" in window.inner_text()
    confirmation = customer.locator(".messages .message", has_text="We received your order")
    confirmation.wait_for()
    assert f"Pickup point: East gate\nPickup time: {day}, 10:00" in confirmation.inner_text()

    with app.app_context():
        tick()  # the minute task: the window is within the three days' lead
    reminder = customer.locator(".messages .message", has_text="Reminder: your order")
    reminder.wait_for()  # the page refreshes itself
    assert "Pickup point: East gate, 88 River Rd" in reminder.inner_text()
    assert f"Pickup time: {day}, 10:00" in reminder.inner_text()
    assert not AMBIGUOUS_DATE.search(customer.locator("main").inner_text())
    fits(customer)

    chinese = new_page("phone", locale="zh-CN")
    chinese.goto(customer.url)
    text = chinese.locator(".pickup-window").inner_text()
    assert text.startswith(f"自提时间: {weekday_date(2, 'zh_Hans_CN')} 10:00–12:00")
    assert "2天后" in text
    fits(chinese)

    mine = new_page("phone")
    mine.goto("/my")
    mine.fill("#phone", PHONE_TYPED)
    mine.get_by_role("button", name="Text me a code").click()
    mine.get_by_role("heading", name="Enter the code").wait_for()
    [code] = recent_messages(app.config["SMS_LOG_PATH"], limit=1)
    mine.fill("#code", re.search(r"\b(\d{6})\b", code["text"]).group(1))
    mine.get_by_role("button", name="Open my orders").click()
    card = mine.locator(".my-orders tbody tr", has_text="Weekend fruit")
    card.wait_for()
    assert f"Pickup {day}, 10:00" in card.inner_text() and "at East gate" in card.inner_text()
    fits(mine)
