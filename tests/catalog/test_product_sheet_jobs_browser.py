"""A big product sheet in Chromium on a desktop: the upload answers with the status page, which
polls (htmx, every 2 s) until the check is over, or is refreshed by its link without
JavaScript; then the admin imports it there. axe on the page."""

import re

import pytest

import tasks.product_import
from models.catalog.products import Product
from models.exports.product_sheet.jobs import SheetUpload, run_step
from tests.helpers import make_user
from tests.page_checks import Visitor

pytestmark = pytest.mark.browser

HEADER = "SKU,Product name,Price (yuan),Tracks stock,On hand [main]"


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_an_admin_follows_a_big_import_on_its_status_page(
    new_page, app, tmp_path, monkeypatch, javascript
):
    from tests.accounts.test_sign_in_browser import sign_in

    monkeypatch.setitem(app.config, "PRODUCT_IMPORT_BACKGROUND_ROWS", 3)
    monkeypatch.setattr(tasks.product_import, "run_sheet_step", lambda upload_id: None)
    with app.app_context():
        admin = make_user("admin")
    sheet = tmp_path / "products.csv"
    rows = [f"BIG-{i},Product {i},1.50,yes,{i}" for i in range(5)]
    sheet.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    page = new_page("desktop", javascript=javascript)
    visitor = Visitor(page) if javascript else None
    page.goto("/admin/products/sheet")
    sign_in(page, admin)
    page.wait_for_url(re.compile(r"/admin/products/sheet$"))
    page.get_by_label("CSV or XLSX file").set_input_files(str(sheet))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url(re.compile(r"/admin/products/sheet/jobs/\d+$"))
    page.get_by_text("Waiting to be checked").wait_for()
    with app.app_context():
        assert run_step(SheetUpload.get().id) == "checked"
    if visitor:
        assert visitor.check(audit=True) == []  # its polls have run: the section swapped
    else:
        page.get_by_role("link", name="Refresh").click()
    page.get_by_text("New: 5").wait_for()
    page.get_by_role("button", name="Import 5 products").click()
    page.get_by_text("Waiting to be imported").wait_for()
    with app.app_context():
        assert run_step(SheetUpload.get().id) == "imported"
    if visitor:
        page.clock.fast_forward(2_500)
    else:
        page.get_by_role("link", name="Refresh").click()
    page.get_by_text("Imported: 5 added, 0 updated, 0 unchanged, 0 left out.").wait_for()
    with app.app_context():
        assert Product.select().count() == 5
    if visitor:
        assert visitor.check(audit=True) == []
        assert visitor.errors == []
