"""An admin writes a rule in Chromium (rows added and filled through htmx), the next small
order a customer places on a phone is confirmed by it, a large one is not, and "try it" shows
what the rule would do. Screenshot: docs/screenshots/rules-desktop.png."""

import re

import pytest

from tests.helpers import make_user, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def activity(app, make_shop):
    made = make_shop(limit=20, title="Saturday apples")
    with app.app_context():
        admin = make_user("admin")
    return made | {"slug": made["version"].template.slug, "admin": admin}


def place(page, activity, name, quantity) -> str:
    page.goto(f"/f/{activity['slug']}")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Phone").fill("138 0013 8000")
    page.locator(f"input[name='items-{activity['apples'].id}']").fill(str(quantity))
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(re.compile(r"/o/[\w-]+$"))
    return re.search(r"Order #(\d+)", page.content()).group(1)


def settle(page) -> None:
    """Until htmx has swapped and wired up the last response (a quick user never outruns it)."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def test_a_rule_written_in_the_browser_confirms_the_next_small_order(new_page, activity):
    admin = new_page("desktop")
    admin.goto("/admin/rules/new")
    sign_in(admin, activity["admin"])
    admin.wait_for_url("**/admin/rules/new")
    admin.wait_for_function("() => window.htmx !== undefined")
    admin.get_by_label("Name").fill("Confirm small orders")
    admin.get_by_role("button", name="Add a condition").click()
    settle(admin)
    admin.locator("select[name='conditions-0-kind']").select_option(label="Total at most")
    admin.get_by_label("Amount (yuan)").fill("100")
    settle(admin)
    admin.get_by_role("button", name="Add an action").click()
    settle(admin)
    admin.locator("select[name='actions-0-kind']").select_option(label="Confirm the order")
    settle(admin)  # choosing the kind re-renders the row: a click during the swap is lost
    admin.locator(".rule-save").get_by_role("button", name="Save rule").click()

    admin.wait_for_url(re.compile(r"/admin/rules$"))
    rule = admin.locator(".rule").filter(has_text="Confirm small orders")
    assert "Total at most CN¥100.00" in rule.inner_text()
    assert "Confirm the order" in rule.inner_text()
    screenshot(admin, "rules-desktop.png")

    customer = new_page("phone")
    small = place(customer, activity, "Wang Fang", 4)  # CN¥50.00
    assert customer.locator("[data-status]").inner_text() == "Confirmed"
    assert customer.get_by_text("The shop confirmed your order.").is_visible()
    large = place(customer, activity, "Li Lei", 10)  # CN¥125.00
    assert customer.locator("[data-status]").inner_text() == "Pending"

    admin.goto(f"/board/orders/{small}")
    assert admin.get_by_text("rule: Confirm small orders").is_visible()
    admin.goto("/admin/rules")
    admin.locator(".rule").filter(has_text="Confirm small orders").get_by_role(
        "link", name="Try it"
    ).click()
    tried = {
        row.locator("td").first.inner_text(): row.inner_text()
        for row in admin.locator("table tbody tr").all()
    }
    assert "Not a match" in tried[f"#{large}"]
    assert "Not a match" not in tried[f"#{small}"]
