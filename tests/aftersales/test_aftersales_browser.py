"""After-sales in a real browser: the customer asks on a phone (390×844) without JavaScript,
with a photo; staff approve on a desktop and the customer sees the answer."""

import pytest

from models.orders.lifecycle import Actor, walk_order
from tests.factories import make_product, order_for, published_version
from tests.helpers import (
    assert_fits_the_screen,
    assert_tap_targets_are_big_enough,
    loaded_width,
    screenshot,
    sign_in,
)
from tests.payments.images import png

pytestmark = pytest.mark.browser


@pytest.fixture
def handed_over(app):
    with app.app_context():
        product = make_product(10, price=1250, name="Mooncakes")
        order = order_for(published_version(), [(product, 3)], name="Eve")
        order = walk_order(order, ("confirmed", "processing", "ready", "completed"), Actor.system())
        return order.tracking_token


def test_a_customer_asks_on_a_phone_and_staff_answer_on_a_desktop(
    new_page, handed_over, staff, tmp_path
):
    photo = tmp_path / "box.png"
    photo.write_bytes(png())
    phone = new_page(device="phone", javascript=False)
    phone.goto(f"/o/{handed_over}")
    phone.get_by_role("link", name="Ask for after-sales").click()
    assert_fits_the_screen(phone)
    phone.wait_for_load_state()  # its stylesheets too
    assert_tap_targets_are_big_enough(phone)  # the kinds' labels and "Back to the order" too
    phone.get_by_label("Refund only").check()
    phone.get_by_label("How many").fill("2")
    phone.get_by_label("Reason").select_option("Damaged")
    phone.get_by_label("Tell the shop more (optional)").fill("Two were crushed")
    phone.locator("input[name=photos]").set_input_files(str(photo))
    phone.get_by_role("button", name="Send the request").click()
    phone.locator("#after-sales").get_by_text("Refund only").wait_for()  # back on the tracking page
    assert "SH-000001" in phone.locator("#after-sales").inner_text()  # the case's number
    assert phone.locator("#after-sales img").count() == 1
    assert_fits_the_screen(phone)
    screenshot(phone, "aftersales-phone.png")

    desk = new_page(device="desktop")
    desk.goto("/login")
    sign_in(desk, staff)
    desk.wait_for_url("**/board/**")
    desk.goto("/board/after-sales")
    desk.get_by_role("link", name="SH-000001").click()
    desk.get_by_role("link", name="Photo 1").click()  # the lightbox, without a script
    shown = desk.locator("#photo-1 img")
    assert loaded_width(shown) > 0
    desk.locator("#photo-1").get_by_role("link", name="Close").click()
    shown.wait_for(state="hidden")
    desk.get_by_label("Word to the customer").fill("Sorry, we will refund you")
    desk.get_by_role("button", name="Approved").click()
    desk.locator("[data-status]").first.filter(has_text="Approved").wait_for()
    screenshot(desk, "aftersales-case-desktop.png")

    phone.reload()
    assert "Sorry, we will refund you" in phone.locator("#after-sales").inner_text()
