"""A customer orders on a phone in a real browser (system Chromium), with and without
JavaScript; staff change the order and the customer's page follows without a reload."""

import re

import pytest

from models.activities.pickup import PickupPoint
from tests.factories import make_activity, make_product
from tests.helpers import PASSWORD, SCREENSHOTS, make_user


@pytest.fixture
def activity(app):
    with app.app_context():
        strawberries = make_product(12, price=3990, name="Strawberries 500g")
        oranges = make_product(3, price=5900, name="Navel oranges 5kg")
        point = PickupPoint.create(
            name="East gate",
            address="88 River Rd",
            hours=[{"day": 5, "from": "10:00", "until": "12:00"}],
        )
        version = make_activity(
            [strawberries, oranges],
            limit=5,
            settings={"pickup_point_ids": [point.id], "show_chain_list": True},
            extra_fields=[{"name": "remark", "type": "long_text", "label": "Notes"}],
            title="Friday fruit group-buy",
            description="Orders close Friday 8 pm.\nPick up on Saturday.",
        )
        return {"slug": version.template.slug, "strawberries": strawberries, "oranges": oranges}


def fill_and_submit(page, activity, name: str, phone: str) -> None:
    page.get_by_label("Name").fill(name)
    page.get_by_label("Phone").fill(phone)
    page.locator(f"input[name='items-{activity['strawberries'].id}']").fill("2")
    page.locator(f"input[name='items-{activity['oranges'].id}']").fill("1")
    page.get_by_label("East gate").check()
    page.get_by_role("button", name="Place order").click()


def test_a_customer_orders_on_a_phone_and_follows_the_order_live(new_page, activity):
    customer = new_page("phone")
    customer.goto(f"/f/{activity['slug']}")
    assert customer.get_by_text("Only 3 left").is_visible()

    customer.get_by_label("Name").fill("Wang Fang")
    customer.get_by_label("Phone").fill("138 0013 8000")
    customer.locator(f"input[name='items-{activity['strawberries'].id}']").fill("2")
    total = customer.locator("#order-total strong")
    customer.wait_for_function(
        "() => document.querySelector('#order-total strong').dataset.total === '7980'"
    )
    assert total.inner_text().endswith("79.80")
    customer.locator(f"input[name='items-{activity['oranges'].id}']").fill("1")
    customer.wait_for_function(
        "() => document.querySelector('#order-total strong').dataset.total === '13880'"
    )
    customer.get_by_label("East gate").check()
    customer.locator(f"input[name='items-{activity['oranges'].id}']").scroll_into_view_if_needed()
    customer.screenshot(path=SCREENSHOTS / "order-form-phone.png")
    customer.get_by_role("button", name="Place order").click()

    customer.wait_for_url(re.compile(r"/o/[\w-]+$"))
    assert customer.get_by_text("Pending").is_visible()
    assert customer.locator(".lines").get_by_text("Total").is_visible()
    number = re.search(r"Order #(\d+)", customer.content()).group(1)

    staff = new_page("desktop")
    sign_in_as_staff(staff)
    staff.goto(f"/board/orders/{number}")
    staff.get_by_role("button", name="Confirm", exact=True).click()

    customer.get_by_text("The shop confirmed your order.").wait_for(timeout=3_000)
    assert customer.locator("[data-status]").inner_text() == "Confirmed"


def sign_in_as_staff(page) -> None:
    user = make_user("staff")
    page.goto("/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/board"))


def test_the_same_order_works_with_javascript_off_and_joins_the_list_twice(new_page, activity):
    customer = new_page("phone", javascript=False)
    customer.goto(f"/f/{activity['slug']}")

    fill_and_submit(customer, activity, "Li Na", "13900139000")

    customer.wait_for_url(re.compile(r"/o/[\w-]+$"))
    assert customer.get_by_text("You placed the order.").is_visible()
    assert "Strawberries 500g" in customer.content()
    customer.goto(f"/f/{activity['slug']}")  # and orders once more, with the same phone
    fill_and_submit(customer, activity, "Li Na", "13900139000")
    customer.wait_for_url(re.compile(r"/o/[\w-]+$"))

    visitor = new_page("phone")
    visitor.goto(f"/f/{activity['slug']}/list")
    assert visitor.locator("#chain-count").inner_text() == "People: 1 · Orders: 2"
    entries = visitor.locator(".chain-list li")
    # a fixed mask: the length of "Li Na" stays hidden
    assert [e.split(" — ")[0] for e in entries.all_inner_texts()] == ["1. L**", "2. L**"]
    assert "Strawberries 500g ×2" in entries.first.inner_text()
    visitor.screenshot(path=SCREENSHOTS / "chain-list-phone.png", full_page=True)
    visitor.goto(f"/f/{activity['slug']}")  # the form shows the same list
    assert visitor.locator("#chain-count").inner_text() == "People: 1 · Orders: 2"


def test_a_bad_phone_number_is_flagged_when_the_field_loses_focus(new_page, activity):
    customer = new_page("phone")
    customer.goto(f"/f/{activity['slug']}")

    customer.get_by_label("Phone").fill("12345")
    customer.get_by_label("Name").focus()

    customer.get_by_text("Enter a valid phone number.").wait_for(timeout=3_000)
