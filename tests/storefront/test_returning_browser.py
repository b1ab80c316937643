"""On a phone (390×844, Chinese): a customer orders, opens the form again and finds it filled
in, taps 不是您？ and finds it empty; with JavaScript and without."""

import re

import pytest
from playwright.sync_api import expect

from models.activities.pickup import PickupPoint
from tests.factories import make_activity, make_product

MIN_TAP = 44


@pytest.fixture
def activity(app):
    with app.app_context():
        apples = make_product(20, price=1250, name="苹果")
        points = [PickupPoint.create(name=name) for name in ("东门", "西门")]
        version = make_activity(
            [apples], settings={"pickup_point_ids": [p.id for p in points]}, title="周五水果接龙"
        )
        return {"slug": version.template.slug, "apples": apples, "west": points[1]}


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_returning_customer_finds_the_form_filled_in_and_can_say_not_you(
    new_page, activity, javascript
):
    page = new_page("phone", locale="zh-CN", javascript=javascript)
    page.goto(f"/f/{activity['slug']}")
    page.locator("input[name='name']").fill("王小明")
    page.locator("input[name='phone']").fill("13800138000")
    page.locator(f"input[name='items-{activity['apples'].id}']").fill("2")
    page.get_by_label("西门").check()
    page.locator(".checkout-bar button[type=submit]").click()
    page.wait_for_url(re.compile(r"/o/[\w-]+$"))

    page.goto(f"/f/{activity['slug']}")
    expect(page.locator("input[name='name']")).to_have_value("王小明")
    expect(page.locator("input[name='phone']")).to_have_value("138 0013 8000")
    expect(page.get_by_label("西门")).to_be_checked()
    not_you = page.get_by_role("button", name="不是您？")
    box = not_you.bounding_box()
    assert box["height"] >= MIN_TAP and box["width"] >= MIN_TAP, box

    page.wait_for_load_state()
    not_you.click()

    expect(page.get_by_role("button", name="不是您？")).to_have_count(0)
    expect(page.locator("input[name='name']")).to_have_value("")
    expect(page.locator("input[name='phone']")).to_have_value("")
    expect(page.get_by_label("西门")).not_to_be_checked()
