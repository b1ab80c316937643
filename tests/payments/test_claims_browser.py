"""The 收款码 flow in a real browser on a phone (390×844): the customer sees the code and the
amount, says they paid with a screenshot, staff confirm, the tracking page turns paid by
itself."""

import re

import pytest

from tests.helpers import assert_fits_the_screen, loaded_width, sign_in
from tests.payments.images import png

pytestmark = pytest.mark.browser


def test_claim_then_staff_confirm_then_the_customer_sees_paid(new_page, qr_order, staff):
    customer = new_page("phone")
    customer.goto(f"/o/{qr_order.tracking_token}")
    step = customer.locator("#pay")
    step.get_by_text("Amount to pay").wait_for()
    assert "25.00" in step.inner_text()
    assert f"#{qr_order.number}" in step.inner_text()
    assert loaded_width(customer.locator(".pay-code img")) > 0
    assert_fits_the_screen(customer)

    step.get_by_label("Screenshot of the payment (optional)").set_input_files(
        {"name": "paid.png", "mimeType": "image/png", "buffer": png()}
    )
    step.get_by_role("button", name="I have paid").click()
    customer.locator(".pay-claimed").wait_for()
    assert "Payment: Payment claimed" in customer.locator("#order-live").inner_text()

    shop = new_page("phone")
    shop.goto("/login")
    sign_in(shop, staff)
    shop.wait_for_url(re.compile(r"/board"))
    shop.goto("/board/claims")
    claim = shop.locator(".claim", has_text=f"#{qr_order.number}")
    assert loaded_width(claim.locator("img.claim-thumb")) > 0  # a lazy image: loads when seen
    assert_fits_the_screen(shop)
    claim.get_by_role("button", name="Confirm payment").click()
    shop.get_by_text("No payment claims to check.").wait_for()

    customer.get_by_text("Payment: Paid").wait_for(timeout=10_000)  # the page polls itself
    assert customer.locator("#pay").count() == 0
    assert "The shop received your payment." in customer.locator("#order-live").inner_text()
