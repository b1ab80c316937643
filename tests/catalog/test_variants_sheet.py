"""Variants in the product sheet: the Family and Option columns round-trip (export, import into
an empty catalog, the same families back), join rows to the family one of them is in, and say
per row what is wrong."""

from models.catalog import stock
from models.catalog.products import Product, ProductFamily, Warehouse
from models.catalog.variants import VariantDetails, make_family, variants_of
from models.exports.product_sheet.applying import import_products
from models.exports.product_sheet.checking import check_file
from tests.catalog.test_product_sheet import _exported, csv_file, ledger_matches, snapshot
from tests.factories import make_product

HEADER = "SKU,Family,Option,Product name,Price (yuan),Unit,On hand [main]"


def families() -> dict:
    """{family name: [(SKU, option, name), ...]} as stored."""
    found = {}
    for family in ProductFamily.select():
        found[family.name] = sorted((p.sku, p.option, p.name) for p in variants_of(family.id))
    return found


def _catalog(app):
    with app.app_context():
        apple = make_product(8, sku="AP-500", name="苹果", price=990)
        big = make_family(apple, "500 g", VariantDetails("1 kg", "AP-1K", 1800))
        stock.receive(big.id, Warehouse.default().id, 4)
        sauce = make_product(3, sku="SAUCE-M", name="辣酱", price=1200)
        make_family(sauce, "原味", VariantDetails("辣味", "SAUCE-H", 1300, unit="瓶"))
        make_product(2, sku="PEAR", name="Pear")


def test_export_then_import_gives_the_same_families(app):
    _catalog(app)
    for fmt in ("csv", "xlsx"):
        data = _exported(app, fmt)
        with app.test_request_context():
            before, grouped = snapshot(), families()
            checked = check_file(data)
            assert checked.valid, (checked.problems, [r.errors for r in checked.rows])
            assert all(r.action == "unchanged" for r in checked.rows)
            Product.delete().execute()
            ProductFamily.delete().execute()
            assert import_products(data).added == 5
            assert snapshot() == before and families() == grouped, fmt
            assert ledger_matches()
            assert _exported(app, fmt) == data or fmt == "xlsx"
    with app.app_context():
        assert families() == {
            "苹果": [("AP-1K", "1 kg", "苹果 1 kg"), ("AP-500", "500 g", "苹果 500 g")],
            "辣酱": [("SAUCE-H", "辣味", "辣酱 辣味"), ("SAUCE-M", "原味", "辣酱 原味")],
        }


def test_rows_join_the_family_one_of_them_is_in_and_a_variant_can_leave(app):
    _catalog(app)
    data = csv_file(
        "AP-2K,苹果,2 kg,,34,,5",  # a new variant of the apples
        "AP-500, 苹果 , 500  g ,ignored,9.90,,8",  # the name is the family's and the option
        "SAUCE-H,,,Hot sauce,13,瓶,0",  # leaves its family
        "PEAR,梨,Big,,10,,2",  # a new family
        header=HEADER,
    )
    with app.test_request_context():
        checked = check_file(data)
        assert checked.valid, [r.errors for r in checked.rows]
        assert [r.action for r in checked.rows] == ["new", "unchanged", "changed", "changed"]
        import_products(data)
        assert families() == {
            "苹果": [
                ("AP-1K", "1 kg", "苹果 1 kg"),
                ("AP-2K", "2 kg", "苹果 2 kg"),
                ("AP-500", "500 g", "苹果 500 g"),
            ],
            "辣酱": [("SAUCE-M", "原味", "辣酱 原味")],
            "梨": [("PEAR", "Big", "梨 Big")],
        }
        hot = Product.get(Product.sku == "SAUCE-H")
        assert (hot.family_id, hot.option, hot.name) == (None, "", "Hot sauce")
        assert import_products(data).updated == 0  # the same file again changes nothing


def test_bad_family_and_option_cells_are_errors_of_their_row(app):
    _catalog(app)
    data = csv_file(
        "N-1,,1 kg,Nuts,3,,",
        "N-2,Nuts,,Nuts,3,,",
        "N-3,苹果,1 kg,,3,,",  # AP-1K has it
        "N-4,Figs,Big,,3,,",
        "N-5,figs,Big,,3,,",  # the same family in another case, the same option
        f"N-6,Figs,{'x' * 41},,3,,",
        header=HEADER,
    )
    with app.test_request_context():
        checked = check_file(data)
        errors = {
            r.cells["sku"]: [m for ms in r.errors.values() for m in ms]
            for r in checked.rows
            if r.errors
        }
    assert errors == {
        "N-1": ["Give the name this product's variants share, or empty the option."],
        "N-2": ["Give this variant's option, e.g. 500 g."],
        "N-3": ["“AP-1K” has this option too."],
        "N-5": ["“N-4” has this option too."],
        "N-6": ["At most 40 characters."],
    }
