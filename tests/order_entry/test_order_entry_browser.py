"""Staff on a phone (390x844) enter an order a customer phoned in: choose the activity, fill in
the form (one of each option of a product with variants, under its name), place it, and land on
the order with its source. Pages checked with axe, tap targets and width on the phone."""

import re

import pytest

from models.activities.pickup import PickupPoint
from models.catalog import stock
from models.catalog.products import Product, Warehouse
from models.catalog.variants import VariantDetails, make_family
from models.orders.order import Order
from tests.factories import make_activity, make_product
from tests.helpers import assert_fits_the_screen, assert_tap_targets_are_big_enough, sign_in
from tests.page_checks import Visitor

pytestmark = pytest.mark.browser


def test_staff_enter_a_phoned_order_on_a_phone(new_page, app, staff):
    with app.app_context():
        eggs = make_product(10, price=1500, name="Eggs")
        small = make_product(10, price=3000, name="Apples", sku="APPLE-3")
        big = make_family(Product.get_by_id(small.id), "3 kg", VariantDetails("5 kg", "A-5", 4500))
        stock.receive(big.id, Warehouse.default().id, 10)
        point = PickupPoint.create(name="North gate", address="1 North Rd")
        version = make_activity(
            [eggs, Product.get_by_id(small.id), big], settings={"pickup_point_ids": [point.id]}
        )
        title = version.template.title
    page = new_page("phone")
    visitor = Visitor(page)
    page.goto("/login")
    sign_in(page, staff)
    page.wait_for_url(lambda url: "/login" not in url)

    page.goto("/board/enter")
    page.get_by_label("Activity").select_option(label=title)
    page.get_by_role("button", name="Choose").click()
    page.get_by_label("Phone number").wait_for()
    assert visitor.check(audit=True) == []
    assert_fits_the_screen(page)
    assert_tap_targets_are_big_enough(page)
    page.get_by_label("Phone number").fill("13800138000")
    page.get_by_label("Name").fill("Grandma Li")
    page.get_by_label("Eggs").fill("3")
    apples = page.get_by_role("group", name="Apples")
    apples.get_by_label("3 kg").fill("1")
    apples.get_by_label("5 kg").fill("2")
    page.get_by_role("button", name="Place the order").click()

    page.wait_for_url(re.compile(r"/board/orders/\d+$"))
    assert page.get_by_text("Entered by staff · Phone call").is_visible()
    with app.app_context():
        order = Order.get()
        assert (order.source, order.customer.name, order.total) == (
            "staff",
            "Grandma Li",
            3 * 1500 + 3000 + 2 * 4500,
        )
        assert sorted((line.name, line.quantity) for line in order.lines) == [
            ("Apples 3 kg", 1),
            ("Apples 5 kg", 2),
            ("Eggs", 3),
        ]
    assert visitor.errors == []
