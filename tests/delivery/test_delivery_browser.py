"""Delivery in a real browser: a customer orders delivery in a zone and window, staff put the
order on a courier's run, the courier on a 390×844 phone sets off and delivers; a run sheet of
20 stops prints on one A4 page; an order's label prints on one A6 page."""

import re
from datetime import timedelta

import pytest

from models.base import utcnow
from models.delivery.checkout import submit_delivered_order
from models.delivery.runs import CourierRun, assign_to_courier
from models.delivery.shipping import ship_order
from models.delivery.windows import add_window
from models.delivery.zones import save_zone
from models.orders.lifecycle import Actor
from models.orders.order import Order
from tests.factories import cn_mobile, make_activity, make_product
from tests.helpers import (
    assert_fits_the_screen,
    assert_tap_targets_are_big_enough,
    make_user,
    screenshot,
    sign_in,
)
from tests.page_checks import Visitor

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(app, shop_morning):
    with app.app_context():
        fruit = make_product(100, price=3000, name="Fruit box")
        version = make_activity(
            [fruit],
            title="Weekend fruit",
            settings={"delivery": {"enabled": True, "fee": 800}},
        )
        east = save_zone(name="Chaoyang", districts=["朝阳区"], fee=600, free_above=20000)
        west = save_zone(name="Haidian", districts=["海淀区"], fee=1000)
        start = utcnow() + timedelta(hours=3)
        window = add_window(east, start, start + timedelta(hours=1), capacity=5)
        courier = make_user("courier", "rider@example.com")
        staff = make_user("staff", "desk@example.com")
        return {
            "fruit": fruit,
            "version": version,
            "east": east,
            "west": west,
            "window": window,
            "courier": courier,
            "staff": staff,
        }


def test_a_delivery_from_the_order_form_to_the_couriers_phone(app, new_page, shop):
    customer = new_page("phone")
    customer.goto(f"/f/{shop['version'].template.slug}")
    customer.get_by_label("Name").fill("Wang Fang")
    customer.get_by_label("Phone").fill("13900017143")
    customer.locator(f"input[name='items-{shop['fruit'].id}']").fill("2")
    customer.get_by_label("Delivery to my address").check()
    customer.get_by_label("Delivery address").fill("北京市朝阳区 望京花园 3-501")
    customer.get_by_role("radio", name=re.compile("Chaoyang · ")).check()
    customer.get_by_role("button", name="Place order").last.click()
    # the zone was found from the address: the customer confirms it
    customer.get_by_text("Your address is in Chaoyang. Check it, then place the order.").wait_for()
    assert "CN¥66.00" in customer.locator("#order-total").inner_text()
    customer.get_by_role("button", name="Place order").last.click()
    customer.wait_for_url(re.compile(r"/o/"))
    with app.app_context():
        order = Order.get()
        assert (order.subtotal, order.delivery_fee) == (6000, 600)

    desk = new_page("desktop")
    desk.goto("/login")
    sign_in(desk, shop["staff"])
    desk.wait_for_url(re.compile(r"/board"))
    desk.goto("/delivery/runs")
    row = desk.locator(f"#waiting-{order.number}")
    row.get_by_label("Courier").select_option(label="Courier")
    row.get_by_role("button", name="Assign").click()
    desk.get_by_text(f"Order #{order.number} is on Courier's run.").wait_for()
    screenshot(desk, "runs-desktop.png")

    rider = new_page("phone")
    rider.goto("/login")
    sign_in(rider, shop["courier"])
    rider.wait_for_url(re.compile(r"/courier$"))
    stop = rider.locator(".stop").first
    assert "北京市朝阳区 望京花园 3-501" in stop.inner_text()
    assert stop.get_by_role("link", name="Map").get_attribute("href").startswith("geo:0,0?q=")
    assert stop.get_by_role("link", name="Call").get_attribute("href") == "tel:+8613900017143"
    assert_fits_the_screen(rider)
    assert_tap_targets_are_big_enough(rider)
    rider.get_by_role("button", name="Set off: out for delivery").click()
    rider.get_by_text("Out for delivery now: 1.").wait_for()
    screenshot(rider, "courier-phone.png")
    rider.locator(".stop summary", has_text="Delivered").click()
    rider.get_by_label("Cash collected (yuan)").wait_for()  # the details open
    assert rider.get_by_label("Cash collected (yuan)").input_value() == "66.00"
    rider.locator(".stop form button", has_text="Delivered").click()
    rider.get_by_text(f"Order #{order.number} delivered.").wait_for()
    with app.app_context():
        order = Order.get()
        assert (order.status, order.payment_status) == ("completed", "paid")


def test_a_run_sheet_of_twenty_stops_prints_on_one_a4_page(app, new_page, shop):
    with app.app_context():
        version = shop["version"]
        for i in range(20):
            order, _ = submit_delivered_order(
                version.template,
                version,
                zone_id=shop["west"].id,
                window_id=None,
                address=f"北京市海淀区中关村南大街{i + 1}号 某某小区{i + 3}号楼{i + 1}单元 {1000 + i}室",
                answers={"name": f"顾客{i}号 Customer", "phone": cn_mobile()},
                quantities={shop["fruit"].id: 3},
                submission_key=f"sheet-{i}",
                locale="zh_CN",
            )
            assign_to_courier(order, shop["courier"], Actor.of_user(shop["staff"]))
        run = CourierRun.get()
    desk = new_page("desktop")
    desk.goto("/login")
    sign_in(desk, shop["staff"])
    desk.wait_for_url(re.compile(r"/board"))
    desk.goto(f"/delivery/runs/{run.id}/sheet")
    assert desk.locator("tbody tr").count() == 20
    pdf = desk.pdf(format="A4", prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 1, f"the run sheet takes {pages} pages"


def test_staff_print_an_orders_a6_label_from_its_page(app, new_page, shop):
    """Desktop: the order page shows the zone, window and courier run and links the label; the
    label prints on one A6 page; both pages pass the crawl's checks (axe included)."""
    with app.app_context():
        version = shop["version"]
        order, _ = submit_delivered_order(
            version.template,
            version,
            zone_id=shop["east"].id,
            window_id=shop["window"].id,
            address="北京市朝阳区 望京花园 3-501",
            answers={"name": "Wang Fang", "phone": "13900017143"},
            quantities={shop["fruit"].id: 2},
            submission_key="label-browser",
            locale="en",
        )
        assign_to_courier(order, shop["courier"], Actor.of_user(shop["staff"]))
        ship_order(order, "sf", "SF1234567890", Actor.of_user(shop["staff"]))
    desk = new_page("desktop")
    desk.goto("/login")
    sign_in(desk, shop["staff"])
    desk.wait_for_url(re.compile(r"/board"))
    desk.goto("/delivery/shipping")  # off the board, whose poll is not this test's business
    visitor = Visitor(desk)

    assert visitor.visit(f"/board/orders/{order.number}", audit=True) == []
    facts = desk.locator("dl.facts")
    assert facts.locator(".delivery-zone dd").inner_text() == "Chaoyang"
    assert "Courier" in facts.locator(".delivery-courier dd").inner_text()
    assert "stop 1 of 1" in facts.locator(".delivery-courier dd").inner_text()
    assert facts.locator(".delivery-window dd").inner_text().strip() != ""
    desk.get_by_role("link", name="Print label (A6)").click()
    desk.wait_for_url(re.compile(r"/slip\?size=a6"))
    assert visitor.check(audit=True) == []
    assert "SF1234567890" in desk.locator(".label-carrier").inner_text()
    assert desk.locator(".label-qr svg").count() == 1

    pdf = desk.pdf(prefer_css_page_size=True)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1, "the label takes more than a page"
    width, height = (float(n) for n in boxes[0])
    assert (round(width), round(height)) == (298, 420)  # A6: 105 × 148 mm in points

    desk.get_by_role("link", name="Print as packing slip (A4)").click()
    desk.wait_for_url(re.compile(r"/slip\?size=a4"))
    pdf = desk.pdf(prefer_css_page_size=True)
    [box] = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert tuple(round(float(n)) for n in box) == (595, 842)  # A4: 210 × 297 mm
