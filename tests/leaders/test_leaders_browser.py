"""A group leader on a phone (390x844): their pickup list, one tap hands an order over."""

import re

from models.orders.order import Order
from tests.factories import leader_shop_order
from tests.helpers import assert_fits_the_screen, make_user, screenshot, sign_in


def test_a_leader_hands_an_order_over_on_a_phone(new_page, app):
    with app.app_context():
        leader = make_user("leader")
        order = leader_shop_order(leader, name="Wang Fang")
    page = new_page("phone")
    page.goto("/login")
    sign_in(page, leader)
    page.wait_for_url(re.compile(r"/leader$"))  # a leader starts on their own page

    page.get_by_role("link", name="Pickup list").first.click()
    card = page.locator(".pickup-list li").filter(has_text="Wang Fang")
    card.wait_for()  # the list opens after the tap
    assert_fits_the_screen(page)
    screenshot(page, "leader-phone.png")
    card.get_by_role("button", name=f"Hand over #{order.number}").click()

    page.get_by_text(f"Order #{order.number} handed over.").wait_for()
    assert page.get_by_text("Nothing waiting to be collected.").is_visible()
    with app.app_context():
        assert Order.get_by_id(order.id).status == "completed"
