"""The product sheet (/admin/products/sheet, models/exports/product_sheet/): exported as CSV and
XLSX, imported back after a preview that lists every row with its errors; nothing written
unless the whole file is valid or the admin imports only its valid rows; the same file twice
changes the catalog once; stock through the ledger; odd bytes and cells never a 500."""

import io
import re

from flask_babel import force_locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from models.catalog.alerts import set_low_mark
from models.catalog.ledger import StockMovement, balance
from models.catalog.products import Category, Product, Stock, Warehouse
from models.exports.product_sheet.applying import ImportRefused, import_products
from models.exports.product_sheet.checking import check_file
from models.exports.product_sheet.columns import MAX_BYTES, MAX_ROWS
from models.exports.product_sheet.export import product_table
from models.exports.table import csv_chunks, write_xlsx
from tests.factories import make_product
from tests.helpers import race

HEADER = "SKU,Variant,Product name,Category,Price (yuan),Cost price (yuan),Unit,Tracks stock,For sale,On hand [main],Low-stock mark [main]"


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def upload(admin_post, data: bytes, name="products.csv", htmx=False):
    return admin_post("/admin/products/sheet", {"sheet": (io.BytesIO(data), name)}, htmx=htmx)


def confirm(admin_post, html: str, only_valid=False):
    token = re.search(r'name="upload" type="hidden" value="([^"]+)"', html)
    token = token or re.search(r'id="upload" name="upload" type="hidden" value="([^"]+)"', html)
    data = {"upload": token.group(1)}
    if only_valid:
        data["only_valid"] = "1"
    return admin_post("/admin/products/sheet/import", data)


def snapshot() -> dict:
    """The catalog as a person sees it: every product's details, stock and marks by SKU."""
    categories = {c.id: c.name for c in Category.select()}
    codes = {w.id: w.code for w in Warehouse.select()}
    found = {}
    for p in Product.select():
        stock = {
            codes[s.warehouse_id]: (s.on_hand, s.reserved, s.low_mark)
            for s in Stock.select().where(Stock.product == p.id)
            if s.on_hand or s.reserved or s.low_mark is not None
        }
        found[p.sku] = (
            p.name,
            p.price,
            p.cost_price,
            p.unit,
            p.description,
            list(p.aliases or []),
            p.tracks_stock,
            p.active,
            categories.get(p.category_id),
            stock,
        )
    return found


def ledger_matches() -> bool:
    return all(
        balance(s.product_id, s.warehouse_id) == (s.on_hand, s.reserved) for s in Stock.select()
    )


def test_a_valid_file_previews_then_imports_in_one_go(admin_post, app):
    with app.app_context():
        make_product(5, sku="FR-APPLE", name="Apples", price=1200)
    data = csv_file(
        "FR-APPLE,,Yantai apples,Fruit,12.50,8.20,kg,yes,yes,7,2",
        "FR-PEAR,,Pears,Fruit,¥9.90,,kg,yes,no,3,",
        "SV-CUT,,Cutting,,2,,,no,yes,,",
    )
    response = upload(admin_post, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "price 12.00 → 12.50" in html and "New product" in html
    with app.app_context():  # a preview writes nothing
        assert Product.select().count() == 1 and not Category.select().exists()

    response = confirm(admin_post, html)
    assert response.status_code == 303
    with app.app_context():
        catalog = snapshot()
        assert catalog["FR-APPLE"][:3] == ("Yantai apples", 1250, 820)
        assert catalog["FR-APPLE"][-1] == {"main": (7, 0, 2)}
        assert catalog["FR-PEAR"][7] is False and catalog["FR-PEAR"][-1] == {"main": (3, 0, None)}
        assert catalog["SV-CUT"][6] is False and catalog["SV-CUT"][-1] == {}
        assert catalog["FR-PEAR"][8] == "Fruit" == catalog["FR-APPLE"][8]
        kinds = {(m.product.sku, m.kind, m.change, m.reason) for m in StockMovement.select()}
        assert ("FR-APPLE", "counted", 2, "import") in kinds
        assert ("FR-PEAR", "received", 3, "import") in kinds
        assert ledger_matches()
        moved = StockMovement.select().count()

    # The same file again: everything unchanged, nothing written.
    response = upload(admin_post, data)
    assert "Unchanged" in response.get_data(as_text=True)
    assert confirm(admin_post, response.get_data(as_text=True)).status_code == 303
    with app.app_context():
        assert snapshot() == catalog and StockMovement.select().count() == moved
        assert Product.select().count() == 3 and Category.select().count() == 1


def test_errors_are_shown_per_row_and_nothing_is_written(admin_post, app):
    with app.app_context():
        make_product(5, sku="KEEP", name="Kept", price=500)
        before = snapshot()
    data = csv_file(
        "NEW-1,,Fine,,3,,,,,4,",
        "NEW-2,,,,abc,,,maybe,,-1,",
        "NEW-1,,Twice,,3,,,,,,",
        "KEEP,big,Kept,,5,,,,,,",
        "SV,,Service,,1,,,no,,5,",
    )
    response = upload(admin_post, data, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in (
        "Enter a name.",
        "Enter the price in yuan, e.g. 12.50.",
        "Write yes or no.",
        "Enter a whole number of units, 0 or more.",
        "Line 2 has this SKU too.",
        "Give the name this product&#39;s variants share, or empty the option.",
        "This product does not track stock: leave this empty.",
    ):
        assert message in html, message
    assert 'data-line="2" class' not in html  # rows are marked by their result
    assert 'class="sheet-error" data-line="3"' in html

    # "Import" is not offered for a file with errors; forcing it refuses it whole.
    token = re.search(r'name="upload" type="hidden" value="([^"]+)"', html).group(1)
    response = admin_post("/admin/products/sheet/import", {"upload": token})
    assert response.status_code == 422 and "Nothing was imported" in response.get_data(as_text=True)
    with app.app_context():
        assert snapshot() == before

    # Only the valid rows, on request: NEW-1 (line 2) alone.
    response = admin_post("/admin/products/sheet/import", {"upload": token, "only_valid": "1"})
    assert response.status_code == 303
    with app.app_context():
        assert set(snapshot()) == {"KEEP", "NEW-1"}
        assert snapshot()["NEW-1"][-1] == {"main": (4, 0, None)}
    # The upload is used up.
    response = admin_post("/admin/products/sheet/import", {"upload": token, "only_valid": "1"})
    assert response.status_code == 422 and "Upload the file again" in response.get_data(
        as_text=True
    )


def test_file_level_problems_are_shown_under_the_upload(admin_post, app):
    cases = {
        b"": "The file is empty.",
        b"Name,Price\nA,1\n": "The column “SKU” is missing.",
        csv_file("A,,A,,1,,,,,,", header=HEADER + ",Colour"): "Unknown column “Colour”.",
        csv_file("A,,A,,1,,,,,,", header=HEADER + ",On hand [attic]"): "No warehouse has the code",
        csv_file(header=HEADER): "a header but no products",
        b"PK\x03\x04broken": "Choose a CSV or XLSX file.",
        b"\x00\x01\x02\xff\xfe": "Choose a CSV or XLSX file.",
    }
    for data, message in cases.items():
        response = upload(admin_post, data)
        html = response.get_data(as_text=True)
        assert response.status_code == 422 and message in html, (data, message)
        assert 'aria-invalid="true"' in html


def test_huge_files_are_refused_with_a_clear_message(admin_post, app):
    big = csv_file(*[f"S{n},,P,,1,,,,,," for n in range(MAX_ROWS + 1)])
    assert len(big) < MAX_BYTES
    response = upload(admin_post, big)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"more than {MAX_ROWS} products" in html
    response = upload(admin_post, b"x" * (MAX_BYTES + 1))
    assert response.status_code == 422 and "larger than 5 MB" in response.get_data(as_text=True)


def test_chinese_headers_gb18030_and_errors_in_the_admins_language(app):
    """Excel on a Chinese Windows saves CSV in GB18030; the columns' Chinese names read as
    well as the English ones, and a Chinese admin reads the errors in Chinese."""
    data = "货号,商品名称,价格（元）,现有 [main]\nZH-1,苹果,3.5,4\n".encode("gb18030")
    with app.test_request_context():
        preview = check_file(data)
        assert preview.valid and preview.rows[0].details.name == "苹果"
        assert list(preview.rows[0].counts.values()) == [4]
        with force_locale("zh_CN"):
            preview = check_file(b"SKU,Product name,Price (yuan)\nX,,1\n")
            assert preview.rows[0].errors == {"name": ["请输入名称。"]}
            assert check_file(b"Name\n1\n").problems[0].startswith("缺少")


def test_open_orders_holding_more_than_the_file_refuse_that_row(admin_post, app):
    with app.app_context():
        product = make_product(10, sku="HELD")
        Stock.update(reserved=6).where(Stock.product == product.id).execute()
    response = upload(admin_post, csv_file("HELD,,Held,,1,,,yes,yes,4,"))
    assert response.status_code == 422
    assert "Open orders hold 6; on hand cannot be set below that." in response.get_data(
        as_text=True
    )


def _catalog(app):
    with app.app_context():
        second = Warehouse.create(code="east", name="East store")
        fruit = Category.create(name="Fruit", position=1)
        a = make_product(8, sku="A-1", name="=cmd|' /C calc'!A0", price=1250, cost_price=700)
        Product.update(
            category=fruit.id, unit="500g", description="Crisp\nsweet", aliases=["苹果", "红富士"]
        ).where(Product.id == a.id).execute()
        set_low_mark(a, second, 3)
        make_product(None, sku="B-2", name="-Gift wrap", price=0)
        c = make_product(0, sku="007", name="Pears 梨")
        Product.update(active=False).where(Product.id == c.id).execute()
        from models.catalog.admin import receive_stock

        receive_stock(Product.get_by_id(a.id), second, 5, reason="x")


def _exported(app, fmt: str) -> bytes:
    with app.test_request_context():
        table = product_table()
        if fmt == "csv":
            return b"".join(csv_chunks(table))
        target = io.BytesIO()
        write_xlsx(table, target, "Products")
        return target.getvalue()


def test_export_then_import_gives_the_identical_catalog(app):
    _catalog(app)
    for fmt in ("csv", "xlsx"):
        data = _exported(app, fmt)
        with app.test_request_context():
            before = snapshot()
            checked = check_file(data)
            assert checked.valid, (checked.problems, [r.errors for r in checked.rows])
            assert all(r.action == "unchanged" for r in check_file(data).rows)
            Product.delete().execute()
            Category.delete().execute()
            result = import_products(data)
            assert result.added == 3
            assert snapshot() == before, fmt
            assert ledger_matches()
            assert _exported(app, fmt) == data or fmt == "xlsx"


def test_export_downloads_and_staff_are_kept_out(as_admin, app, client, staff, login):
    _catalog(app)
    response = as_admin.get("/admin/products/sheet.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.get_data().startswith(b"\xef\xbb\xbfSKU,Family,Option,Product name")
    response = as_admin.get("/admin/products/sheet.xlsx")
    assert response.status_code == 200 and response.get_data()[:2] == b"PK"
    as_admin.get("/auth/logout")


def test_staff_cannot_import_or_export(client, staff, login):
    login(staff)
    for url in ("/admin/products/sheet", "/admin/products/sheet.csv"):
        assert client.get(url).status_code == 403


def test_a_refused_row_at_write_time_rolls_back_the_whole_import(app):
    with app.test_request_context():
        held = make_product(10, sku="HELD")
        data = csv_file("NEW,,New,,1,,,yes,yes,4,", "HELD,,Held,,1,,,yes,yes,4,")
        assert check_file(data).valid
        Stock.update(reserved=6).where(Stock.product == held.id).execute()
        try:
            import_products(data)
        except ImportRefused:
            pass
        else:
            raise AssertionError("imported")
        assert not Product.select().where(Product.sku == "NEW").exists()


ODD_CELL = st.text(max_size=30) | st.sampled_from(
    ["=1+1", "-3", "1e9", "１２", "yes", "是", "0.001"]
)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    data=st.binary(max_size=400) | st.builds(lambda b: b"PK\x03\x04" + b, st.binary(max_size=200))
)
def test_any_bytes_give_a_preview_never_a_500(admin_post, data):
    response = upload(admin_post, data)
    assert response.status_code in (200, 422)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(rows=st.lists(st.lists(ODD_CELL, max_size=13), min_size=1, max_size=4), xlsx=st.booleans())
def test_any_cells_give_errors_or_a_clean_result(admin_post, rows, xlsx):
    header = HEADER.split(",")
    if xlsx:
        book = Workbook()
        sheet = book.active
        sheet.append(header)
        for row in rows:  # what a workbook can hold
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row])
        target = io.BytesIO()
        book.save(target)
        data = target.getvalue()
    else:
        import csv

        text = io.StringIO()
        csv.writer(text).writerows([header, *rows])
        data = text.getvalue().encode()
    response = upload(admin_post, data)
    assert response.status_code in (200, 422)
    html = response.get_data(as_text=True)
    if response.status_code == 200 and 'name="upload"' in html:
        assert confirm(admin_post, html).status_code in (303, 422)


def test_cells_are_text_on_the_preview(admin_post, app):
    payload = "<script>alert(1)</script>"
    data = csv_file(f'X-1,,"{payload}",{payload},1,,,,,,', f"{payload},,A,,x,,,,,,")
    html = upload(admin_post, data).get_data(as_text=True)
    assert payload not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    html = upload(admin_post, csv_file("A,,A,,1,,,,,,", header=HEADER + "," + payload))
    assert payload not in html.get_data(as_text=True)


def test_two_imports_of_the_same_file_at_once_make_each_product_once(app):
    """Real threads, each its own connection (SQLite, and PostgreSQL with TEST_DATABASE_URL)."""
    data = csv_file("R-1,,Racer,,1,,,yes,yes,6,", "R-2,,Second,,2,,,yes,yes,3,1")

    def work(_i):
        with app.test_request_context():
            return import_products(data)

    outcomes = race(app, 2, work)
    assert {name for name, _value in outcomes} <= {"ok", "ImportRefused"}
    assert any(name == "ok" for name, _value in outcomes)
    with app.app_context():
        assert Product.select().count() == 2
        assert snapshot()["R-1"][-1] == {"main": (6, 0, None)}
        assert ledger_matches()


def test_an_import_racing_an_order_never_takes_units_the_order_holds(app):
    from models.catalog import stock

    with app.app_context():
        product = make_product(10, sku="HOT")
        main = Warehouse.default().id
    data = csv_file("HOT,,Hot,,1,,,yes,yes,5,")

    def work(i):
        with app.test_request_context():
            if i == 0:
                return import_products(data)
            from models.db import db

            with db.atomic():
                return stock.try_reserve(product.id, main, 8)

    outcomes = dict(enumerate(race(app, 2, work)))
    with app.app_context():
        row = Stock.get(Stock.product == product.id)
        assert row.reserved <= row.on_hand and ledger_matches()
        if outcomes[1] == ("ok", True):  # the order held 8 first: the count of 5 is refused
            assert outcomes[0][0] == "ImportRefused" and (row.on_hand, row.reserved) == (10, 8)
        else:  # the import counted 5 first: the order could not hold 8
            assert outcomes[0][0] == "ok" and (row.on_hand, row.reserved) == (5, 0)


def test_a_workbook_claiming_a_huge_sheet_is_read_within_the_limits(app):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(["W-1", "", "Wide", "", "1"])
    sheet.cell(row=3, column=16000, value=" ")  # a sheet 16,000 columns wide, blank there
    target = io.BytesIO()
    book.save(target)
    with app.test_request_context():
        assert check_file(target.getvalue()).valid  # read 201 columns wide, not 16,000
        sheet.cell(row=3, column=201, value="far")
        target = io.BytesIO()
        book.save(target)
        preview = check_file(target.getvalue())
    assert preview.problems == ["The file has more than 200 columns."]
