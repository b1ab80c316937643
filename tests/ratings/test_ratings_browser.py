"""Ratings in a real browser: the customer rates on a phone (390×844), first without JavaScript
(a plain form, 422 inline), then htmx swapping the part in place; staff reply on a desktop, and
a second reply from a page opened before the first gets the conflict message."""

import pytest

from tests.factories import make_product, order_for, published_version
from tests.helpers import assert_fits_the_screen, sign_in
from tests.page_checks import Visitor
from tests.payments.images import png
from tests.ratings.conftest import complete

pytestmark = pytest.mark.browser


@pytest.fixture
def two_orders(app):
    with app.app_context():
        version = published_version()
        tea = make_product(10, price=1250, name="Oolong")
        first = complete(order_for(version, [(tea, 1)], name="Eve"))
        second = complete(order_for(version, [(tea, 2)], name="Fay"))
        return first.tracking_token, second.tracking_token


def test_a_phone_rates_without_javascript_and_with_htmx(new_page, two_orders, tmp_path):
    photo = tmp_path / "cup.png"
    photo.write_bytes(png())
    plain = new_page(device="phone", javascript=False)
    plain.goto(f"/o/{two_orders[0]}")
    rating = plain.locator("#rating")
    rating.get_by_label("Your words (optional)").fill("Lovely but late")
    rating.get_by_role("button", name="Send the rating").click()  # no stars chosen
    assert plain.locator("#stars-error").inner_text() == "Choose 1 to 5 stars."
    assert plain.get_by_label("Your words (optional)").input_value() == "Lovely but late"
    plain.get_by_role("group", name="How was this order?").get_by_label("2 – Poor").check()
    plain.locator("input[name=photos]").set_input_files(str(photo))
    plain.get_by_role("button", name="Send the rating").click()
    shown = plain.locator("#rating")
    assert "2 of 5 stars" in shown.inner_html() and "Lovely but late" in shown.inner_text()
    assert shown.locator("img").count() == 1
    assert_fits_the_screen(plain)

    phone = new_page(device="phone")
    visitor = Visitor(phone)
    assert visitor.visit(f"/o/{two_orders[1]}", audit=True) == []
    small = phone.eval_on_selector_all(
        "#rating label.check, #rating button, #rating input[type=file]",
        "els => els.filter(el => el.getBoundingClientRect().height < 44).map(el => el.outerHTML)",
    )
    assert not small, small  # a whole label is the radio's tap target
    part = phone.locator("#rating")
    part.get_by_role("button", name="Send the rating").click()
    phone.locator("#stars-error").wait_for()
    assert phone.locator("fieldset[aria-describedby='stars-error']").count() == 1
    assert visitor.check(audit=True) == []  # the 422 part: errors named, no axe finding
    phone.get_by_role("group", name="How was this order?").get_by_label("5 – Excellent").check()
    phone.get_by_role("group", name="Oolong").get_by_label("4 – Good").check()
    phone.get_by_role("button", name="Send the rating").click()
    phone.locator("#rating .rating-stars").wait_for()
    assert "5 of 5 stars" in phone.locator("#rating").inner_html()
    assert "4 of 5 stars" in phone.locator("#rating .rating-products").inner_html()
    assert_fits_the_screen(phone)


def test_staff_reply_once_on_a_desktop(new_page, two_orders, staff, app):
    from models.orders.order import Order
    from models.ratings.giving import rate_order

    with app.app_context():
        rate_order(Order.by_token(two_orders[0]), stars=1, comment="Cold tea")
    desks = []
    for _ in range(2):
        desk = new_page(device="desktop")
        desk.goto("/login")
        sign_in(desk, staff)
        desk.wait_for_url("**/board/**")
        desk.goto("/board/ratings")
        desks.append(desk)
    first, second = desks
    visitor = Visitor(first)
    assert visitor.check(audit=True) == []
    first.get_by_label("Stars", exact=True).select_option("1")  # htmx filters in place
    first.wait_for_url("**stars=1**")
    first.get_by_label("Reply to the customer").fill("Sorry, the next one is on us")
    first.get_by_role("button", name="Send the reply").click()
    first.locator(".rating-reply").wait_for()
    assert "Sorry, the next one is on us" in first.locator(".rating-item").inner_text()

    second.get_by_label("Reply to the customer").fill("Another word")
    second.get_by_role("button", name="Send the reply").click()
    alert = second.get_by_role("alert")
    alert.wait_for()
    assert "already replied to this rating" in alert.inner_text()
    assert "Sorry, the next one is on us" in second.locator(".rating-item").inner_text()
