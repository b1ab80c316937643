"""The 接龙 list at length on a phone in a real browser: the form shows its tail, the whole list
opens from there and pages on with "Next page", numbers in joining order, on a 390 px screen."""

from models.storefront.chain import LATEST, PAGE
from tests.factories import make_activity, make_product, order_for

ORDERS = PAGE + 7


def test_a_long_list_pages_from_the_forms_tail_to_its_end(app, new_page):
    with app.app_context():
        pears = make_product(10_000, price=500, name="Pears")
        version = make_activity([pears], settings={"show_chain_list": True})
        for i in range(ORDERS):
            order_for(version, [(pears, 1)], name=f"Buyer{i}", phone=f"1380000{i:04d}")
    page = new_page("phone")

    page.goto(f"/f/{version.template.slug}")
    tail = page.locator(".chain-list .who").all_inner_texts()
    assert [t.split(".")[0] for t in tail] == [
        str(n) for n in range(ORDERS - LATEST + 1, ORDERS + 1)
    ]
    page.get_by_role("link", name=f"See the whole list ({ORDERS} orders)").click()

    page.wait_for_url(f"**/f/{version.template.slug}/list")
    first = page.locator(".chain-list .who").all_inner_texts()
    assert [t.split(".")[0] for t in first] == [str(n) for n in range(1, PAGE + 1)]
    page.get_by_role("link", name="Next page").click()
    page.get_by_role("link", name="Back to the start of the list").wait_for()
    rest = page.locator(".chain-list .who").all_inner_texts()
    assert [t.split(".")[0] for t in rest] == [str(n) for n in range(PAGE + 1, ORDERS + 1)]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
