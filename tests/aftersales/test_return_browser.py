"""Each kind of case end to end in a real browser (refund only and exchanges have their own:
test_aftersales_browser.py, test_exchange_browser.py). A return and refund: the customer asks on a phone without
JavaScript; an admin on a desktop approves, waits for the goods, receives them back to stock
and refunds the units; the unit is on the shelf once and the money goes back once. A redo
booked for a time and done; a complaint answered and closed."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from models.catalog.products import Warehouse
from models.catalog.stock import available
from models.orders.lifecycle import Actor, walk_order
from models.orders.order import Order
from models.orders.payments import record_payment
from models.payments.refunds import Refund
from tests.factories import make_product, order_for, published_version
from tests.helpers import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def paid_and_handed_over(app):
    with app.app_context():
        product = make_product(10, price=1250, name="Mooncakes")
        order = order_for(published_version(), [(product, 3)], name="Eve")
        record_payment(order, None, "cash", Actor.system(), order.version)
        order = walk_order(
            Order.get_by_id(order.id),
            ("confirmed", "processing", "ready", "completed"),
            Actor.system(),
        )
        return {"token": order.tracking_token, "order": order.id, "product": product.id}


def test_a_return_comes_back_to_stock_once_and_is_refunded_once(
    app, new_page, paid_and_handed_over, admin
):
    shop = paid_and_handed_over
    with app.app_context():
        shelf = available(shop["product"], Warehouse.default().id)
    phone = new_page(device="phone", javascript=False)
    phone.goto(f"/o/{shop['token']}")
    phone.get_by_role("link", name="Ask for after-sales").click()
    phone.get_by_label("Return and refund").check()
    phone.get_by_label("How many").fill("1")
    phone.get_by_label("Reason").select_option("Damaged")
    phone.get_by_role("button", name="Send the request").click()
    phone.locator("#after-sales").get_by_text("Return and refund").wait_for()

    desk = new_page(device="desktop")
    desk.goto("/login")
    sign_in(desk, admin)  # only an admin may refund money
    desk.wait_for_url("**/board/**")
    desk.goto("/board/after-sales")
    desk.get_by_role("link", name="SH-000001").click()
    for step in ("Approved", "Awaiting return", "Goods received"):
        if step == "Goods received":
            desk.get_by_label("Back to stock").check()
        desk.get_by_role("button", name=step, exact=True).click()
        desk.locator("[data-status]").first.filter(has_text=step).wait_for()
    desk.get_by_label("Refund by").select_option("cash")
    desk.get_by_role("button", name="Refund these units").click()
    desk.locator("[data-status]").first.filter(has_text="Refunded").wait_for()
    desk.reload()  # a second look changes nothing
    assert desk.get_by_role("button", name="Refund these units").count() == 0

    with app.app_context():
        assert available(shop["product"], Warehouse.default().id) == shelf + 1  # once
        refunds = Refund.select().where(Refund.order == shop["order"])
        assert [r.amount for r in refunds] == [1250]  # one unit, once
    phone.reload()
    assert "Refunded" in phone.locator("#after-sales").inner_text()


@pytest.mark.parametrize("kind", ["Redo", "Complaint"])
def test_a_redo_is_booked_and_a_complaint_answered_and_closed(
    new_page, paid_and_handed_over, staff, kind
):
    phone = new_page(device="phone", javascript=False)
    phone.goto(f"/o/{paid_and_handed_over['token']}")
    phone.get_by_role("link", name="Ask for after-sales").click()
    phone.get_by_label(kind, exact=True).check()
    phone.get_by_label("How many").fill("1")
    phone.get_by_label("Reason").select_option("Damaged")
    phone.get_by_role("button", name="Send the request").click()
    phone.locator("#after-sales").get_by_text(kind).first.wait_for()

    desk = new_page(device="desktop")
    desk.goto("/login")
    sign_in(desk, staff)
    desk.wait_for_url("**/board/**")
    desk.goto("/board/after-sales")
    desk.get_by_role("link", name="SH-000001").click()
    if kind == "Redo":
        tomorrow = (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=1)).date()
        desk.get_by_label("Redo on").fill(tomorrow.isoformat())
        desk.get_by_label("From").fill("14:00")
        desk.get_by_label("Until").fill("16:00")
    desk.get_by_label("Word to the customer").fill("Sorry about that")
    desk.get_by_role("button", name="Approved", exact=True).click()
    desk.locator("[data-status]").first.filter(has_text="Approved").wait_for()
    last = "Redone" if kind == "Redo" else "Closed"
    desk.get_by_role("button", name=last, exact=True).click()
    desk.locator("[data-status]").first.filter(has_text=last).wait_for()

    phone.reload()
    cases = phone.locator("#after-sales").inner_text()
    assert "Sorry about that" in cases and last in cases
    if kind == "Redo":
        assert "Redo booked" in cases and "4:00" in cases  # 14:00 to 16:00, shop time
