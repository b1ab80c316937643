"""The real pages in Chromium: signing in on a phone, with and without JavaScript, the admin
pages on a desktop, the language switch. Screenshots go to docs/screenshots/."""

import random

import pytest

from commands.demo.shop import build_catalog, build_templates, place_demo_orders
from models.board.filters import OrderFilter
from models.orders.order import Order
from models.orders.status import STATUS_LABELS, STATUSES
from tests.helpers import (
    EN,
    PASSWORD,
    ROOT,
    assert_fits_the_screen,
    assert_tap_targets_are_big_enough,
    screenshot,
    sign_in,
)

TRANSLATIONS = ROOT / "translations"

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_orders(app, admin, staff):
    """A small, repeatable shop: the demo catalog and activities with ~40 orders."""
    with app.app_context():
        templates = build_templates(build_catalog(), admin)
        created = place_demo_orders(templates, [admin, staff], 40, random.Random(20240601))
    assert created >= 35
    return created


# --- (a) phone: staff sign in and land on the board ---------------------------------------------


def test_staff_signs_in_on_a_phone_and_sees_the_board(app, phone_page, staff, demo_orders):
    page = phone_page
    page.goto("/login")
    assert page.get_by_role("heading", name="Staff sign in").is_visible()
    assert_fits_the_screen(page)
    assert_tap_targets_are_big_enough(page)
    page.fill("#email", staff.email)
    screenshot(page, "login-phone.png")

    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/board/")

    assert page.get_by_role("heading", name="Orders", level=1).is_visible()
    counts = page.locator(".status-counts li")
    assert counts.count() == len(STATUSES)
    shown = {
        counts.nth(i).locator("span").inner_text(): int(
            counts.nth(i).locator("strong").inner_text()
        )
        for i in range(counts.count())
    }
    with app.test_request_context(headers=EN):
        today = OrderFilter.default().without_statuses().query()  # the board opens on today
        expected = {str(STATUS_LABELS[s]): today.where(Order.status == s).count() for s in STATUSES}
        open_today = OrderFilter.default().query().count()
    assert shown == expected
    assert page.locator("table.orders tr.order").count() == open_today
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert_fits_the_screen(page)
    assert_tap_targets_are_big_enough(page)


# --- (b) phone: a wrong password is answered inline, without a reload ---------------------------


def test_wrong_password_shows_the_error_in_place(phone_page, staff):
    page = phone_page
    page.goto("/login")
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("() => { window.__marker = 1 }")
    url = page.url

    with page.expect_response(lambda r: r.url.startswith(url) and r.request.method == "POST") as r:
        sign_in(page, staff, "not the password")
    assert r.value.status == 422
    assert r.value.request.headers.get("hx-request") == "true"
    assert r.value.text().lstrip().startswith("<form"), "expected the form fragment, not a page"

    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "do not match an active account" in alert.inner_text()
    assert page.input_value("#email") == staff.email
    assert page.input_value("#password") == ""
    assert page.url == url
    assert page.evaluate("() => window.__marker") == 1, "the page was reloaded"
    assert page.locator("#login-form").count() == 1, "the form was nested instead of replaced"
    assert_fits_the_screen(page)

    # The swapped-in form still works.
    sign_in(page, staff)
    page.wait_for_url("**/board/")


# --- (c) without JavaScript the form is a plain HTML form ---------------------------------------


def test_sign_in_works_without_javascript(new_page, staff):
    page = new_page(device="phone", javascript=False)
    page.goto("/login")
    with page.expect_response(lambda r: r.request.method == "POST") as r:
        sign_in(page, staff, "not the password")
    assert r.value.status == 422
    assert "hx-request" not in r.value.request.headers
    assert "<html" in r.value.text(), "without JavaScript the whole page comes back"
    page.wait_for_load_state()
    assert "do not match an active account" in page.get_by_role("alert").inner_text()
    assert page.input_value("#email") == staff.email

    sign_in(page, staff)
    page.wait_for_url("**/board/")
    assert page.get_by_role("heading", name="Orders", level=1).is_visible()


# --- (d) desktop: an admin reaches the user list ------------------------------------------------


def test_admin_reaches_the_user_list_on_a_desktop(app, desktop_page, admin, staff, demo_orders):
    page = desktop_page
    page.goto("/admin/users")
    page.wait_for_url("**/login?next=*")
    sign_in(page, admin)
    page.wait_for_url("**/admin/users")
    page.get_by_role("link", name="Orders").click()
    page.wait_for_url("**/board/")
    with app.app_context():
        assert (
            page.locator("table.orders tr.order").count() == OrderFilter.default().query().count()
        )

    page.get_by_text("Shop setup").click()
    page.get_by_role("link", name="Users").click()
    page.wait_for_url("**/admin/users")
    assert page.get_by_role("heading", name="Users", level=1).is_visible()
    rows = page.locator("tbody tr")
    assert rows.count() == 2
    table = page.locator("table").inner_text()
    assert admin.email in table and staff.email in table

    # A helper for the busy season, added through the form: a typo first, then the account.
    form = page.locator("#new-account")
    form.get_by_label("Email").fill("Mei.Helper@example.com")
    form.get_by_label("Name").fill("梅 Mei")
    form.get_by_label("Staff", exact=True).check()
    form.get_by_label("Password", exact=True).fill("busy season 2026")
    form.get_by_label("Password again").fill("busy season 2025")
    with page.expect_response(lambda r: r.request.method == "POST") as refused:
        form.get_by_role("button", name="Add account").click()
    assert refused.value.status == 422
    assert page.locator("#confirm-error").inner_text() == "The two passwords differ."
    assert form.get_by_label("Name").input_value() == "梅 Mei"
    form.get_by_label("Password", exact=True).fill("busy season 2026")
    form.get_by_label("Password again").fill("busy season 2026")
    form.get_by_role("button", name="Add account").click()
    page.get_by_text("梅 Mei can sign in now").wait_for()
    assert rows.count() == 3
    new_row = rows.filter(has_text="mei.helper@example.com")
    assert "Staff" in new_row.inner_text() and "never" in new_row.inner_text()

    # Someone who left: their account is switched off, and the list shows it.
    page.get_by_role("link", name=f"Edit {staff.name}").click()
    page.wait_for_url(f"**/admin/users/{staff.id}")
    page.get_by_label("Active").uncheck()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/admin/users")
    leaver = rows.filter(has_text=staff.email)
    assert "Inactive" in leaver.inner_text() and "inactive" in leaver.get_attribute("class")
    assert_fits_the_screen(page)
    screenshot(page, "users-desktop.png")

    page.set_viewport_size({"width": 390, "height": 844})  # the same page on a phone
    assert_fits_the_screen(page)


# --- (e) the language switch --------------------------------------------------------------------


def test_the_language_switch_changes_the_page_to_chinese(phone_page):
    page = phone_page
    page.goto("/login")
    assert page.get_attribute("html", "lang") == "en"
    english_heading = page.get_by_role("heading", level=1).inner_text()

    page.locator(".locale-switch a[lang=zh-CN]").click()
    page.wait_for_function("() => document.documentElement.lang === 'zh-CN'")
    assert page.url.endswith("/login")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies.get("locale") == "zh_CN"
    assert page.locator(".locale-switch a[aria-current]").get_attribute("lang") == "zh-CN"
    assert_fits_the_screen(page)
    assert_tap_targets_are_big_enough(page)

    # Babel reads zh_CN as zh_Hans_CN, so the catalog may live under either name (or zh/).
    if any(TRANSLATIONS.glob("zh*/LC_MESSAGES/messages.mo")):
        assert page.get_by_role("heading", level=1).inner_text() != english_heading
        assert page.locator("#login-form button[type=submit]").inner_text() == "登录"
