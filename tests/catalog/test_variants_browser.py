"""Variants (规格) in Chromium: a customer on a phone (390×844) sees a family as one card with a
choice and orders two of its variants, with JavaScript and without; an admin on a desktop adds
a variant on the product page. Each page passes axe, fits the phone, and its targets are big
enough to tap."""

import re

import pytest

from models.catalog import stock
from models.catalog.photos import add_photos
from models.catalog.products import Product, Warehouse
from models.catalog.variants import VariantDetails, make_family, variants_of
from models.orders.order import Order
from tests.catalog.photos import noisy_photo
from tests.factories import make_activity, make_product, stock_of
from tests.helpers import (
    assert_fits_the_screen,
    assert_tap_targets_are_big_enough,
    make_user,
    screenshot,
)
from tests.page_checks import Visitor

pytestmark = pytest.mark.browser


def sauce_form():
    mild = make_product(8, price=1200, name="Chilli sauce", sku="SAUCE-M")
    Product.update(description="Made in small batches every week.", unit="250 g").where(
        Product.id == mild.id
    ).execute()
    add_photos(Product.get_by_id(mild.id), [noisy_photo(800, 600)])
    hot = make_family(
        Product.get_by_id(mild.id), "Mild", VariantDetails("Extra hot and smoky", "SAUCE-H", 1300)
    )
    stock.receive(hot.id, Warehouse.default().id, 5)
    pear = make_product(5, price=500, name="Pears")
    version = make_activity([Product.get_by_id(mild.id), hot, pear])
    return version.template.slug, Product.get_by_id(mild.id), hot


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_a_customer_on_a_phone_orders_two_variants_of_one_product(new_page, app, javascript):
    with app.app_context():
        slug, mild, hot = sauce_form()
    page = new_page("phone", javascript=javascript)
    visitor = Visitor(page) if javascript else None
    page.goto(f"/f/{slug}")
    card = page.get_by_role("group", name="Chilli sauce")
    card.wait_for()
    assert card.get_by_text("Made in small batches every week.").is_visible()
    assert card.locator("img.product-photo").count() == 1  # the cover, once
    assert card.locator(".variant-line").count() == 2
    assert "¥13.00" in card.locator(".variant-line").nth(1).inner_text()
    assert_fits_the_screen(page)
    assert_tap_targets_are_big_enough(page)
    if visitor:
        assert visitor.check(audit=True) == []
        screenshot(page, "variants-phone.png")

    page.get_by_label("Name").fill("Wang Fang")
    page.get_by_label("Phone").fill("13800138000")
    if javascript:
        more = page.get_by_role("button", name="One more Chilli sauce Mild")
        more.click()
        more.click()
        page.get_by_role("button", name="One more Chilli sauce Extra hot and smoky").click()
    else:
        card.get_by_role("spinbutton", name=re.compile(r"^Mild ")).fill("2")
        card.get_by_role("spinbutton", name=re.compile(r"^Extra hot and smoky ")).fill("1")
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r"/o/[\w-]+$"))

    with app.app_context():
        order = Order.get()
        lines = sorted((line.name, line.unit_price, line.quantity) for line in order.lines)
        assert lines == [
            ("Chilli sauce Extra hot and smoky", 1300, 1),
            ("Chilli sauce Mild", 1200, 2),
        ]
        assert (stock_of(mild).reserved, stock_of(hot).reserved) == (2, 1)
    if visitor:
        assert visitor.errors == []


def test_an_admin_on_a_desktop_adds_a_variant(new_page, app):
    from tests.accounts.test_sign_in_browser import sign_in

    with app.app_context():
        admin = make_user("admin")
        apple = make_product(20, price=990, name="Apples", sku="AP-500")
    page = new_page("desktop")
    visitor = Visitor(page)
    page.goto(f"/admin/products/{apple.id}")
    sign_in(page, admin)
    page.wait_for_url(f"**/admin/products/{apple.id}")
    page.wait_for_load_state()
    page.wait_for_function("() => window.htmx !== undefined")
    section = page.locator("#variants")
    section.get_by_label("This product's option").fill("500 g")
    section.get_by_label("New variant's option").fill("1 kg")
    section.get_by_label("SKU").fill("AP-500")
    section.get_by_label("Price (yuan)").fill("18")
    section.get_by_role("button", name="Add variant").click()
    section.get_by_text("is already used by").wait_for()  # inline, the input kept
    assert section.get_by_label("New variant's option").input_value() == "1 kg"
    assert visitor.check(audit=True) == []

    section.get_by_label("SKU").fill("AP-1K")
    section.get_by_role("button", name="Add variant").click()
    page.get_by_role("heading", name="Apples 500 g").wait_for()
    page.locator("#variants tr[data-sku='AP-1K']").wait_for()
    assert visitor.check(audit=True) == []
    screenshot(page, "variants-desktop.png")
    with app.app_context():
        family = variants_of(Product.get_by_id(apple.id).family_id)
        assert [(p.name, p.price) for p in family] == [("Apples 500 g", 990), ("Apples 1 kg", 1800)]
    page.locator("#variants tr[data-sku='AP-1K']").get_by_role("link", name="1 kg").click()
    page.get_by_role("heading", name="Apples 1 kg").wait_for()
    assert [e for e in visitor.errors if "status of 422" not in e] == []
