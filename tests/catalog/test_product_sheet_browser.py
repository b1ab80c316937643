"""The product sheet in Chromium on a desktop: an admin uploads a CSV, sees the preview with a
row's error beside it, imports only the valid rows, then a corrected file whole; each page passes
axe. Without JavaScript the same steps work as plain form posts."""

import re

import pytest

from models.catalog.products import Product
from tests.factories import make_product
from tests.helpers import make_user, screenshot
from tests.page_checks import Visitor

pytestmark = pytest.mark.browser

HEADER = "SKU,Product name,Price (yuan),Tracks stock,On hand [main]"


def _sheet(tmp_path, *rows) -> str:
    path = tmp_path / "products.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_an_admin_uploads_previews_and_imports(new_page, app, tmp_path, javascript):
    from tests.accounts.test_sign_in_browser import sign_in

    with app.app_context():
        admin = make_user("admin")
        make_product(3, sku="FR-APPLE", name="Apples", price=1000)
    page = new_page("desktop", javascript=javascript)
    visitor = Visitor(page) if javascript else None
    page.goto("/admin/products")
    sign_in(page, admin)
    page.wait_for_url(re.compile(r"/admin/products$"))
    page.get_by_role("link", name="Import and export").click()
    page.wait_for_url(re.compile(r"/admin/products/sheet$"))
    page.wait_for_load_state()
    if visitor:
        assert visitor.check(audit=True) == []

    page.get_by_label("CSV or XLSX file").set_input_files(
        _sheet(tmp_path, "FR-APPLE,Apples,12.50,yes,8", "FR-PEAR,Pears,abc,yes,2")
    )
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("heading", name="Preview").wait_for()
    row = page.locator("tr[data-line='3']")
    row.get_by_text("Enter the price in yuan, e.g. 12.50.").wait_for()
    assert "price 10.00 → 12.50" in page.locator("tr[data-line='2']").inner_text()
    if visitor:
        assert visitor.check(audit=True) == []
        screenshot(page, "product-sheet-desktop.png")
    page.get_by_role("button", name="Import only the rows without errors (1)").click()
    page.get_by_text("Imported: 0 added, 1 updated, 0 unchanged, 1 left out.").wait_for()

    page.goto("/admin/products/sheet")
    page.wait_for_load_state()
    page.get_by_label("CSV or XLSX file").set_input_files(
        _sheet(tmp_path, "FR-APPLE,Apples,12.50,yes,8", "FR-PEAR,Pears,9.90,yes,2")
    )
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("heading", name="Preview").wait_for()
    page.get_by_role("button", name="Import 2 products").click()
    page.get_by_text("Imported: 1 added, 0 updated, 1 unchanged, 0 left out.").wait_for()
    page.locator("tr[data-sku='FR-PEAR']").wait_for()
    with app.app_context():
        assert Product.get(Product.sku == "FR-PEAR").price == 990
    if visitor:
        # the preview of a file with errors is answered 422, which the console notes
        assert [e for e in visitor.errors if "status of 422" not in e] == []
