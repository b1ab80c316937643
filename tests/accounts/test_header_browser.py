"""The signed-in header in Chromium: an admin's dozen setup pages sit behind one "Shop setup"
disclosure (a <details>: no script), so on a desktop the header is one row of whole words, and
on a phone the opened menu wraps inside the screen."""

import pytest

from tests.helpers import assert_fits_the_screen, assert_tap_targets_are_big_enough, sign_in

pytestmark = pytest.mark.browser

HEADER_LINKS = """() => [...document.querySelectorAll('.staff-nav a, .staff-nav summary')]
  .filter(el => el.offsetParent !== null)
  .map(el => ({text: el.innerText, top: Math.round(el.getBoundingClientRect().top),
               height: el.getBoundingClientRect().height}))"""


@pytest.mark.parametrize("javascript", [True, False])
def test_an_admins_header_is_one_row_of_whole_words_on_a_desktop(new_page, admin, javascript):
    page = new_page("desktop", javascript=javascript)
    page.goto("/login")
    sign_in(page, admin)
    page.wait_for_url("**/board/")

    links = page.evaluate(HEADER_LINKS)
    assert {link["top"] for link in links} == {links[0]["top"]}, links  # one row
    assert all(link["height"] < 50 for link in links), links  # no word broken onto two lines
    assert not page.get_by_role("link", name="Warehouses").is_visible()

    page.get_by_text("Shop setup").click()
    page.get_by_role("link", name="Warehouses").click()
    page.wait_for_url("**/admin/warehouses*")
    assert page.locator(".nav-more summary.current").inner_text().startswith("Shop setup")


def test_the_opened_setup_menu_fits_a_phone(new_page, admin):
    page = new_page("phone")
    page.goto("/login")
    sign_in(page, admin)
    page.wait_for_url("**/board/")
    assert_fits_the_screen(page)

    page.get_by_text("Shop setup").click()
    page.get_by_role("link", name="Audit log").wait_for()
    assert_fits_the_screen(page)
    assert_tap_targets_are_big_enough(page)
    page.get_by_role("link", name="Products", exact=True).click()
    page.wait_for_url("**/admin/products")
