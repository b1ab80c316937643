"""Staff at the pickup point on a phone (390x844): the camera reads the customer's pickup QR
(BarcodeDetector and the camera stood in for: headless Chromium on Linux has neither), the order
opens and one tap hands it over; without a camera the code is typed; a wrong code says so. The
customer's order page shows the code and its QR. Pages checked with axe, on the phone."""

import pytest

from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order
from models.pickup.codes import code_of
from tests.factories import make_shop, order_for
from tests.helpers import assert_fits_the_screen, assert_tap_targets_are_big_enough, sign_in
from tests.page_checks import Visitor

pytestmark = pytest.mark.browser

# A camera that shows a canvas, and a detector that "sees" the code the test puts in
# window.__qr once the video plays.
FAKE_CAMERA = """
window.BarcodeDetector = class {
  static async getSupportedFormats() { return ["qr_code"]; }
  async detect(source) { return window.__qr ? [{ rawValue: window.__qr }] : []; }
};
navigator.mediaDevices.getUserMedia = async () => {
  const canvas = document.createElement("canvas");
  canvas.width = 320; canvas.height = 240;
  canvas.getContext("2d").fillRect(0, 0, 320, 240);
  return canvas.captureStream(10);
};
"""


def confirmed(app, name):
    with app.app_context():
        shop = make_shop(
            products={"eggs": {"on_hand": 30, "price": 1500, "name": "Eggs"}},
            points={"north": {"name": "North gate", "address": "1 North Rd"}},
        )
        order = order_for(
            shop["version"], [(shop["eggs"], 2)], name=name, pickup_point=shop["north"]
        )
        order = transition_order(order, "confirmed", Actor.system())
        return order, code_of(order)


def test_staff_scan_the_customers_qr_on_a_phone_and_hand_the_order_over(new_page, app, staff):
    order, code = confirmed(app, "Zhang Wei")
    customer = new_page("phone")
    customer.goto(f"/o/{order.tracking_token}")
    assert customer.get_by_text(f"{code[:3]} {code[3:]}").is_visible()
    assert customer.locator(".pickup-code svg").is_visible()

    page = new_page("phone")
    page.context.add_init_script(FAKE_CAMERA)
    visitor = Visitor(page)
    page.goto("/login")
    sign_in(page, staff)
    page.wait_for_url(lambda url: "/login" not in url)
    assert visitor.visit("/board/scan", audit=True) == []
    assert_fits_the_screen(page)
    assert_tap_targets_are_big_enough(page)

    page.evaluate(f"window.__qr = {code!r}")  # the QR in front of the camera
    page.get_by_role("button", name="Scan with the camera").click()

    found = page.locator(".pickup-found")
    found.get_by_text("Zhang Wei").wait_for()
    assert found.get_by_text("Eggs ×2").is_visible()
    assert visitor.check(audit=True) == []
    found.get_by_role("button", name="Handed over, CN¥30.00 paid").click()

    page.get_by_role("status").filter(has_text="Handed over.").wait_for()
    with app.app_context():
        assert Order.get_by_id(order.id).status == "completed"
    assert visitor.errors == []


def test_without_a_camera_the_code_is_typed_and_a_wrong_one_is_named(new_page, app, staff):
    order, code = confirmed(app, "Li Na")
    page = new_page("phone")
    page.goto("/login")
    sign_in(page, staff)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/board/scan")
    assert not page.get_by_role("button", name="Scan with the camera").is_visible()

    page.get_by_label("Pickup code").fill("abc 234")
    page.get_by_role("button", name="Find the order").click()
    page.get_by_text("No pickup order has this code.").wait_for()

    page.get_by_label("Pickup code").fill(code.lower())
    page.get_by_role("button", name="Find the order").click()
    page.locator(".pickup-found").get_by_text("Li Na").wait_for()
    assert page.get_by_role("heading", name=f"Order #{order.number}").is_visible()
