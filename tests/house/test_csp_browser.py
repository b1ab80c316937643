"""The pages whose htmx features matter most, in Chromium under the Content-Security-Policy
(blueprints/security_headers.py): the order form's live total, the board's poll, filters and
bulk selection, the designer and its copy button, the rules editor, the picking list's print
button. Each works, and the page logs no console error or warning and reports no
`securitypolicyviolation`."""

import pytest

from blueprints.security_headers import CONTENT_SECURITY_POLICY
from models.automation.rules import save_rule
from models.customers.tags import add_customer_tag
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order
from tests.factories import order_for
from tests.helpers import sign_in

pytestmark = pytest.mark.browser

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
window.print = () => { window.__printed = true; };
"""


class Watched:
    """A page whose console messages and CSP violations are collected."""

    def __init__(self, page):
        self.page, self.console = page, []
        page.add_init_script(WATCH)
        page.on(
            "console",
            lambda m: m.type in ("error", "warning") and self.console.append(f"{m.type}: {m.text}"),
        )
        page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))

    def goto(self, url: str):
        response = self.page.goto(url)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        return response

    def assert_clean(self) -> None:
        violations = self.page.evaluate("() => window.__violations")
        assert not violations, violations
        assert not self.console, self.console


@pytest.fixture
def shop(app, admin, make_shop):
    made = make_shop(
        products={
            "apples": {"on_hand": 20, "name": "Apples", "price": 1250},
            "pears": {"on_hand": 20, "name": "Pears", "price": 800},
        },
        points={"point": {"name": "East gate"}},
        settings={"show_chain_list": True},
    )
    with app.app_context():
        version, apples = made["version"], made["apples"]
        orders = [order_for(version, [(apples, 1)], name=name) for name in ("Ann", "Bo")]
        add_customer_tag(orders[0].customer_id, "VIP")
        save_rule(
            None,
            admin,
            name="Confirm small orders",
            trigger="order_created",
            enabled=True,
            conditions=[{"kind": "total_at_most", "value": 100}],
            actions=[{"kind": "confirm"}],
        )
    return made | {"app": app, "orders": orders}


def signed_in(watched, user, path):
    watched.goto(path)
    sign_in(watched.page, user)
    watched.page.wait_for_url(f"**{path}")
    watched.page.wait_for_function("() => window.htmx !== undefined")


def test_the_order_form_updates_its_total_under_the_policy(new_page, shop):
    watched = Watched(new_page("phone"))
    page = watched.page
    watched.goto(f"/f/{shop['version'].template.slug}")
    page.wait_for_function("() => window.htmx !== undefined")
    page.fill(f"[name=items-{shop['apples'].id}]", "2")
    page.fill(f"[name=items-{shop['pears'].id}]", "1")
    total = page.locator("#order-total [data-total]")
    page.wait_for_function(
        "() => document.querySelector('#order-total [data-total]').dataset.total === '3300'"
    )
    assert "33.00" in total.inner_text()
    watched.assert_clean()


def test_the_board_polls_filters_and_selects_under_the_policy(new_page, staff, shop):
    watched = Watched(new_page("desktop"))
    page, orders = watched.page, shop["orders"]
    signed_in(watched, staff, "/board/")
    with shop["app"].app_context():  # a customer orders while the board is open
        arrived = order_for(shop["version"], [(shop["pears"], 1)], name="Cy")
        transition_order(Order.get_by_id(orders[0].id), "confirmed", Actor.system())
    page.locator(f"#order-{arrived.id}").wait_for(timeout=5_000)
    page.locator(f"#order-{orders[0].id} .status", has_text="Confirmed").wait_for()

    page.locator(f"#order-{orders[1].id} input[name=ids]").check()
    page.locator("#bulk-count").get_by_text("(1)").wait_for()

    page.locator("#board-filters input[name=status][value=pending]").uncheck()  # no eval
    page.wait_for_function("() => new URL(location).searchParams.get('status') === 'confirmed'")
    page.locator(f"#order-{arrived.id}").wait_for(state="detached")
    assert page.locator(f"#order-{orders[0].id}").is_visible()
    watched.assert_clean()


def test_the_customers_tag_chips_filter_under_the_policy(new_page, staff, shop):
    watched = Watched(new_page("desktop"))
    page = watched.page
    signed_in(watched, staff, "/customers/")
    page.locator("#customer-list").get_by_text("Bo").wait_for()
    page.locator(".tag-chips input[value=VIP]").check()  # a change from the chips, no eval
    page.wait_for_function("() => new URL(location).searchParams.get('tag') === 'VIP'")
    page.locator("#customer-list").get_by_text("Bo").wait_for(state="detached")
    assert page.locator("#customer-list").get_by_text("Ann").is_visible()
    watched.assert_clean()


def test_the_picking_list_prints_under_the_policy(new_page, staff, shop):
    watched = Watched(new_page("desktop"))
    page = watched.page
    signed_in(watched, staff, "/board/picking?created=all")
    page.get_by_role("button", name="Print").click()
    page.wait_for_function("() => window.__printed === true")
    watched.assert_clean()


def test_the_designer_edits_and_copies_under_the_policy(new_page, admin, shop):
    watched = Watched(new_page("desktop"))
    page = watched.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    template_id = shop["version"].template_id
    signed_in(watched, admin, f"/admin/forms/{template_id}")
    fields = page.locator("ol.rows > li").count()
    page.select_option("form.add-field select", "short_text")
    page.locator("form.add-field button[type=submit]").click()
    page.wait_for_function("n => document.querySelectorAll('ol.rows > li').length > n", arg=fields)
    page.get_by_role("button", name="Copy text").click()
    page.get_by_role("button", name="Copied").wait_for()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert f"/f/{shop['version'].template.slug}" in copied
    watched.assert_clean()


def test_the_rules_pages_work_under_the_policy(new_page, admin, shop):
    watched = Watched(new_page("desktop"))
    page = watched.page
    signed_in(watched, admin, "/admin/rules")
    page.get_by_role("button", name="Switch off").first.click()
    page.get_by_role("button", name="Switch on").first.wait_for()
    watched.goto("/admin/rules/new")
    before = page.locator("select[name$='-kind']").count()
    page.get_by_role("button", name="Add a condition").click()
    page.wait_for_function(
        "n => document.querySelectorAll(\"select[name$='-kind']\").length > n", arg=before
    )
    watched.assert_clean()
