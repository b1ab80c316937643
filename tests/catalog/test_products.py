"""The products pages at /admin/products over HTTP (htmx and plain forms), stock changes racing
with orders on real threads, and an admin adding a product and stock in Chromium.
Screenshot: docs/screenshots/products-desktop.png."""

import re
from collections import Counter as Tally
from datetime import datetime

import pytest
from peewee import fn

from i18n import format_time
from models.catalog.admin import (
    NotEnoughFree,
    StockMovement,
    count_stock,
    product_list,
    receive_stock,
    write_off_stock,
)
from models.catalog.products import Product, Stock, Warehouse
from models.errors import OutOfStock
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order, OrderLine
from tests.factories import make_activity, make_product, order_for, stock_of, unique
from tests.helpers import EN, HTMX, csrf_token_from, make_user, race, sql_statements, text_of


@pytest.fixture
def token(as_admin):
    return csrf_token_from(as_admin, "/admin/products/new")


def new_product(admin_post, **fields):
    data = {"name": "Apples", "sku": "AP-1", "price": "12.50", "tracks_stock": "y", "active": "y"}
    return admin_post("/admin/products/new", {**data, **fields})


def change_stock(admin_post, product, action, units, reason="", htmx=False, token=None):
    """A stock form of the default warehouse row as the page renders it: its fields carry the
    form's prefix, its CSRF token too."""
    warehouse = Warehouse.default()
    kind = {"receive": "received", "write-off": "written_off", "count": "counted"}[action]
    prefix = f"{kind}-{warehouse.id}"
    data = {f"{prefix}-units": str(units), f"{prefix}-reason": reason}
    if token:
        data[f"{prefix}-csrf_token"] = token
    url = f"/admin/products/{product.id}/stock/{warehouse.id}/{action}"
    return admin_post(url, data, htmx=htmx)


@pytest.fixture
def stock_post(admin_post, token):
    def send(product, action, units, reason="", htmx=False):
        return change_stock(admin_post, product, action, units, reason, htmx, token)

    return send


def movements(product) -> list[tuple[str, int, str]]:
    """The product's movements made by someone signed in (not by the factories or orders)."""
    query = StockMovement.select().where(
        StockMovement.product == product.id, StockMovement.user.is_null(False)
    )
    return [(m.kind, m.change, m.reason) for m in query.order_by(StockMovement.id)]


def ledger_sums() -> tuple[int, int]:
    """What the ledger adds up to over every row (one product, one warehouse in these tests)."""
    change, held = (
        StockMovement.select(fn.SUM(StockMovement.change), fn.SUM(StockMovement.reserved_change))
        .tuples()
        .get()
    )
    return change or 0, held or 0


# Access --------------------------------------------------------------------------------


def test_anonymous_visitors_sign_in_and_staff_are_refused(client, staff, login):
    product = make_product(5)
    assert client.get("/admin/products").headers["Location"].startswith("/login?next=")
    login(staff)
    assert client.get("/admin/products").status_code == 403
    assert client.get(f"/admin/products/{product.id}").status_code == 403
    token = csrf_token_from(client, "/board/")
    refused = client.post(
        "/admin/products/new",
        data={"csrf_token": token, "name": "X", "sku": "X", "price": "1"},
    )
    assert refused.status_code == 403
    assert Product.select().count() == 1
    html = client.get("/board/").get_data(as_text=True)
    assert 'href="/admin/products"' not in html


def test_admins_find_products_in_the_menu_next_to_forms(as_admin):
    html = as_admin.get("/board/").get_data(as_text=True)
    assert re.search(r">Forms</a>\s*<a href=\"/admin/products\"[^>]*>Products</a>", html)


def test_a_post_without_the_csrf_token_is_refused(as_admin):
    response = as_admin.post(
        "/admin/products/new", data={"name": "Pears", "sku": "P-1", "price": "3"}
    )
    assert response.status_code == 400
    assert Product.select().count() == 0


def test_every_form_carries_its_csrf_token(as_admin):
    product = make_product(5)
    html = as_admin.get(f"/admin/products/{product.id}").get_data(as_text=True)
    forms = re.findall(r'<form\b[^>]*method="post".*?</form>', html, re.S)
    assert len(forms) == 7  # sign out, three stock changes, a variant, the photo upload, details
    assert all("csrf_token" in form for form in forms)


# The list ------------------------------------------------------------------------------


def test_the_list_shows_each_product_with_its_stock_over_all_warehouses(as_admin, app):
    pears = make_product(30, price=800, name="Pears", sku="PE-1")
    make_product(None, price=12000, name="Cleaning", sku="SV-1")
    old = make_product(4, name="Old plums", sku="PL-1")
    Product.update(active=False).where(Product.id == old.id).execute()
    second = Warehouse.create(code="back", name="Back room")
    receive_stock(pears, second, 5)
    order_for(make_activity([pears]), [(pears, 7)])

    html = as_admin.get("/admin/products").get_data(as_text=True)

    row = re.search(r'<tr data-sku="PE-1".*?</tr>', html, re.S).group(0)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td.*?</td>", row, re.S)]
    assert cells == ["Pears", "PE-1", "—", "CN¥8.00", "28", "35", "7", "For sale"]
    assert "Stock not tracked" in html
    assert "Old plums" not in html

    everything = text_of(as_admin.get("/admin/products", query_string={"inactive": "1"}))
    assert everything.index("Cleaning") < everything.index("Pears") < everything.index("Old plums")
    assert "Not for sale" in everything


def test_the_list_reads_all_products_and_their_stock_in_one_query(app):
    for i in range(6):
        make_product(10 + i)
    with sql_statements() as statements:
        rows, after = product_list()

    assert len(rows) == 6 and after is None
    assert sorted(row.available for row in rows) == list(range(10, 16))
    assert len(statements) == 1, statements


def test_search_finds_name_or_sku_in_any_case_and_htmx_gets_only_the_list(as_admin):
    make_product(5, name="Fuji Apples", sku="FR-APPLE")
    make_product(5, name="Pears", sku="FR-PEAR")
    make_product(5, name="丹东草莓", sku="FR-STRAW")

    by_name = as_admin.get("/admin/products", query_string={"q": "apples"})
    by_sku = as_admin.get("/admin/products", query_string={"q": "fr-pe"}, headers=HTMX)
    chinese = as_admin.get("/admin/products", query_string={"q": "草莓"}, headers=HTMX)
    nothing = as_admin.get("/admin/products", query_string={"q": "50%_"}, headers=HTMX)

    assert "Fuji Apples" in text_of(by_name) and "Pears" not in text_of(by_name)
    assert 'value="apples"' in by_name.get_data(as_text=True)  # the box keeps the search
    fragment = by_sku.get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="product-list"') and "<html" not in fragment
    assert "Pears" in fragment and "Fuji" not in fragment
    assert "丹东草莓" in text_of(chinese) and "Pears" not in text_of(chinese)
    assert "No product matches “50%_”." in text_of(nothing)


def test_the_search_form_works_without_javascript_and_with_htmx(as_admin):
    html = as_admin.get("/admin/products").get_data(as_text=True)
    form = re.search(r'<form class="product-search".*?</form>', html, re.S).group(0)
    assert 'method="get" action="/admin/products"' in form
    assert 'hx-get="/admin/products"' in form and 'hx-push-url="true"' in form
    assert 'name="q"' in form and 'name="inactive" value="1"' in form


# Adding and changing -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "fen"), [("12.5", 1250), ("¥12.50", 1250), ("￥1,200", 120000), ("0", 0)]
)
def test_a_new_product_takes_its_price_in_yuan(admin_post, typed, fen):
    response = new_product(admin_post, price=typed)

    assert response.status_code == 303, text_of(response)
    product = Product.get(Product.sku == "AP-1")
    assert response.headers["Location"] == f"/admin/products/{product.id}"
    assert product.price == fen


def test_a_cost_price_is_optional_and_a_bad_one_is_refused_beside_the_field(admin_post):
    response = new_product(admin_post, cost_price="7.a")
    assert response.status_code == 422
    assert "Enter an amount in yuan" in text_of(response)
    assert 'value="7.a"' in response.get_data(as_text=True)  # what was typed, kept
    assert new_product(admin_post, cost_price="").status_code == 303
    assert Product.get(Product.sku == "AP-1").cost_price is None
    response = new_product(admin_post, sku="AP-2", cost_price="9.80")
    assert response.status_code == 303
    assert Product.get(Product.sku == "AP-2").cost_price == 980


def test_a_new_product_with_initial_stock_opens_with_it_on_the_shelf(as_admin, admin_post, admin):
    response = new_product(
        admin_post, name="Pears", sku="PE-1", price="8", unit="kg", initial_stock="20"
    )

    product = Product.get(Product.sku == "PE-1")
    assert (product.name, product.unit, product.tracks_stock, product.active) == (
        "Pears",
        "kg",
        True,
        True,
    )
    assert (stock_of(product).on_hand, stock_of(product).reserved) == (20, 0)
    assert movements(product) == [("received", 20, "Initial stock")]
    assert StockMovement.get().user_id == admin.id
    page = text_of(as_admin.get(response.headers["Location"]))
    assert "“Pears” added." in page
    assert "Available 20 On hand 20 Reserved 0" in page


def test_a_service_has_no_stock_and_refuses_initial_stock(admin_post):
    refused = new_product(admin_post, tracks_stock="", initial_stock="5")
    added = new_product(admin_post, tracks_stock="", initial_stock="")

    assert refused.status_code == 422
    assert "A product that does not track stock has no stock to start with." in text_of(refused)
    assert added.status_code == 303
    product = Product.get()
    assert not product.tracks_stock
    assert Stock.select().count() == 0


def test_a_taken_sku_is_refused_inline_naming_its_product_with_everything_kept(admin_post):
    new_product(admin_post, name="Apples", sku="AP-1")

    response = new_product(
        admin_post, name="Green apples", sku="AP-1", price="9.90", unit="box", initial_stock="3"
    )

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The SKU “AP-1” is already used by “Apples”." in text_of(response)
    assert re.search(r'id="sku-error">The SKU', html)
    for typed in ('value="Green apples"', 'value="9.90"', 'value="box"', 'value="3"'):
        assert typed in html, typed
    assert Product.select().count() == 1


def test_htmx_gets_the_form_alone_back_with_its_errors(admin_post):
    new_product(admin_post, name="Apples", sku="AP-1")

    response = admin_post(
        "/admin/products/new",
        {"name": "Other", "sku": "AP-1", "price": "1", "tracks_stock": "y"},
        htmx=True,
    )

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<form id="product-form"') and "<html" not in html
    assert "already used by “Apples”" in html


def test_a_sku_taken_in_a_race_gives_the_same_inline_error(admin_post, monkeypatch):
    """Both admins' checks pass before either saves: the database's unique index decides."""
    new_product(admin_post, name="Apples", sku="AP-1")
    from models.catalog import admin as product_admin

    real = product_admin.sku_holder
    checks = []

    def late(sku, other_than=None):  # the first check runs before the other admin saved
        checks.append(sku)
        return None if len(checks) == 1 else real(sku, other_than=other_than)

    monkeypatch.setattr(product_admin, "sku_holder", late)
    response = new_product(admin_post, name="Second apples", sku="AP-1", initial_stock="4")

    assert response.status_code == 422
    assert "The SKU “AP-1” is already used by “Apples”." in text_of(response)
    assert Product.select().count() == 1
    assert StockMovement.select().count() == 0 and Stock.select().count() == 1


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"price": "12.345"}, "Enter an amount in yuan, like 12.50."),
        ({"price": "abc"}, "Enter an amount in yuan, like 12.50."),
        ({"price": "-3"}, "Enter an amount in yuan, like 12.50."),
        ({"price": ""}, "Enter the price."),
        ({"name": ""}, "Enter a name."),
        ({"name": "x" * 101}, "At most 100 characters."),
        ({"sku": ""}, "Enter a SKU."),
        ({"sku": "S" * 41}, "At most 40 characters."),
        ({"initial_stock": "-1"}, "Enter a whole number."),
    ],
)
def test_bad_input_is_refused_inline_and_nothing_is_saved(admin_post, fields, error):
    response = new_product(admin_post, unit="box", **fields)

    assert response.status_code == 422
    assert error in text_of(response)
    assert 'value="box"' in response.get_data(as_text=True)
    assert Product.select().count() == 0


def test_editing_a_product_leaves_orders_already_placed_as_they_were(as_admin, admin_post):
    apples = make_product(10, price=1250, name="Apples", sku="AP-1")
    order = order_for(make_activity([apples]), [(apples, 2)])
    page = as_admin.get(f"/admin/products/{apples.id}").get_data(as_text=True)
    assert 'value="12.50"' in page and 'value="AP-1"' in page  # the form shows what is stored

    response = admin_post(
        f"/admin/products/{apples.id}",
        {
            "name": "Fuji apples",
            "sku": "AP-2",
            "price": "15",
            "unit": "kg",
            "active": "y",
            "tracks_stock": "y",
        },
    )

    assert response.status_code == 303
    stored = Product.get_by_id(apples.id)
    assert (stored.name, stored.sku, stored.price, stored.unit) == (
        "Fuji apples",
        "AP-2",
        1500,
        "kg",
    )
    line = OrderLine.get(OrderLine.order == order.id)
    assert (line.name, line.unit_price, line.quantity) == ("Apples", 1250, 2)
    assert Order.get_by_id(order.id).total == 2500
    assert "“Fuji apples” saved." in text_of(as_admin.get(response.headers["Location"]))


def test_a_products_other_names_in_chats_are_kept_as_a_list(as_admin, admin_post):
    strawberries = make_product(10, name="草莓", sku="ST-1")
    fields = {"name": "草莓", "sku": "ST-1", "price": "25", "active": "y", "tracks_stock": "y"}

    response = admin_post(
        f"/admin/products/{strawberries.id}",
        {**fields, "aliases": " 士多啤梨，奶油草莓、 士多啤梨 ,,"},
    )

    assert response.status_code == 303
    assert Product.get_by_id(strawberries.id).aliases == ["士多啤梨", "奶油草莓"]
    page = as_admin.get(f"/admin/products/{strawberries.id}").get_data(as_text=True)
    assert 'value="士多啤梨, 奶油草莓"' in page
    too_long = admin_post(f"/admin/products/{strawberries.id}", {**fields, "aliases": "梨" * 501})
    assert too_long.status_code == 422


def test_an_edit_may_keep_its_own_sku_but_not_take_another(admin_post):
    make_product(1, name="Pears", sku="PE-1")
    apples = make_product(1, name="Apples", sku="AP-1")
    data = {"name": "Apples", "price": "1", "tracks_stock": "y", "active": "y"}

    kept = admin_post(f"/admin/products/{apples.id}", {**data, "sku": "AP-1"})
    taken = admin_post(f"/admin/products/{apples.id}", {**data, "sku": "PE-1"}, htmx=True)

    assert kept.status_code == 303
    assert taken.status_code == 422
    assert "The SKU “PE-1” is already used by “Pears”." in text_of(taken)
    assert Product.get_by_id(apples.id).sku == "AP-1"


def test_a_product_no_longer_for_sale_leaves_the_order_forms_but_not_the_orders(
    as_admin, admin_post, client
):
    apples = make_product(10, name="Apples", sku="AP-1")
    pears = make_product(10, name="Pears", sku="PE-1")
    activity = make_activity([apples, pears])
    order = order_for(activity, [(apples, 3)])
    form_page = f"/f/{activity.template.slug}"
    assert f'name="items-{apples.id}"' in as_admin.get(form_page).get_data(as_text=True)

    response = admin_post(
        f"/admin/products/{apples.id}",
        {"name": "Apples", "sku": "AP-1", "price": "10", "tracks_stock": "y"},  # not for sale
    )

    assert response.status_code == 303
    assert not Product.get_by_id(apples.id).active
    html = as_admin.get(form_page).get_data(as_text=True)
    assert f'name="items-{apples.id}"' not in html and f'name="items-{pears.id}"' in html
    assert [(line.product_id, line.quantity) for line in Order.get_by_id(order.id).lines] == [
        (apples.id, 3)
    ]
    assert stock_of(apples).reserved == 3
    transition_order(Order.get_by_id(order.id), "cancelled", Actor.system())
    assert (stock_of(apples).on_hand, stock_of(apples).reserved) == (10, 0)
    assert "Not for sale" in text_of(as_admin.get(f"/admin/products/{apples.id}"))


# Stock ---------------------------------------------------------------------------------


def test_receiving_writing_off_and_counting_change_on_hand_and_are_recorded(as_admin, stock_post):
    product = make_product(None, name="Pears")
    Product.update(tracks_stock=True).where(Product.id == product.id).execute()

    received = stock_post(product, "receive", 12, "From the farm")
    assert received.status_code == 303
    assert received.headers["Location"] == f"/admin/products/{product.id}#stock"
    assert "Received 12." in text_of(as_admin.get(received.headers["Location"]))
    written_off = stock_post(product, "write-off", 2, "Damaged")
    counted = stock_post(product, "count", 9)

    assert (written_off.status_code, counted.status_code) == (303, 303)
    assert (stock_of(product).on_hand, stock_of(product).reserved) == (9, 0)
    assert movements(product) == [
        ("received", 12, "From the farm"),
        ("written_off", -2, "Damaged"),
        ("counted", -1, ""),
    ]


def test_htmx_gets_the_stock_section_redrawn_with_what_happened(stock_post):
    product = make_product(5)

    response = stock_post(product, "receive", 3, htmx=True)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="stock"') and "<html" not in html
    assert "Received 3." in html
    assert re.search(r"<dd data-available>8</dd>", html)
    assert re.search(r"<td>Received</td>\s*<td class=\"num\">\+3</td>", html)


def test_a_write_off_past_what_orders_do_not_hold_is_refused_and_changes_nothing(
    stock_post,
):
    product = make_product(5)
    order_for(make_activity([product]), [(product, 2)])

    response = stock_post(product, "write-off", 4, "Damaged", htmx=True)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Not held by orders: 3 of 5 on hand. You can write off at most 3." in text_of(response)
    assert 'value="4"' in html and 'value="Damaged"' in html
    assert (stock_of(product).on_hand, stock_of(product).reserved) == (5, 2)
    assert movements(product) == []
    assert stock_post(product, "write-off", 3, "Damaged").status_code == 303
    assert (stock_of(product).on_hand, stock_of(product).reserved) == (2, 2)


def test_a_count_below_what_orders_hold_is_refused(stock_post):
    product = make_product(5)
    order_for(make_activity([product]), [(product, 4)])

    refused = stock_post(product, "count", 3)
    counted = stock_post(product, "count", 4, "Shelf count")

    assert refused.status_code == 422
    assert "Open orders hold 4; on hand cannot be set below that." in text_of(refused)
    assert counted.status_code == 303
    assert (stock_of(product).on_hand, stock_of(product).reserved) == (4, 4)
    assert movements(product) == [("counted", -1, "Shelf count")]


@pytest.mark.parametrize(
    ("action", "units", "reason", "error"),
    [
        ("write-off", 1, "", "Say why, e.g. damaged."),
        ("write-off", 0, "Lost", "Enter a whole number of at least 1."),
        ("receive", "", "", "Enter how many arrived."),
        ("receive", "2.5", "", "Enter a whole number."),
        ("count", "-1", "", "Enter a whole number."),
    ],
)
def test_bad_stock_input_is_refused_inline(stock_post, action, units, reason, error):
    product = make_product(5)

    response = stock_post(product, action, units, reason)

    assert response.status_code == 422
    assert error in text_of(response)
    assert stock_of(product).on_hand == 5 and movements(product) == []


def test_the_history_shows_the_last_fifty_changes_in_shop_time(app, as_admin, admin):
    product = make_product(0)
    warehouse = Warehouse.default()
    first = receive_stock(product, warehouse, 1, reason="first", by=admin)
    for i in range(54):
        receive_stock(product, warehouse, 1, reason=f"delivery {i}", by=admin)
    last = write_off_stock(product, warehouse, 2, reason="Eaten by mice", by=None)
    when = datetime(2099, 3, 1, 2, 30)  # UTC: 10:30 in Shanghai, the shop's zone
    StockMovement.update(created_at=when).where(StockMovement.id == last.id).execute()
    StockMovement.update(created_at=datetime(2000, 1, 1)).where(
        StockMovement.id == first.id
    ).execute()

    html = as_admin.get(f"/admin/products/{product.id}").get_data(as_text=True)

    table = re.search(r'<table class="movements".*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr>\s*<td>.*?</tr>", table, re.S)
    assert len(rows) == 50
    newest = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td.*?</td>", rows[0], re.S)]
    with app.test_request_context(headers=EN):
        shown = format_time(when)
    assert "10:30" in shown
    assert newest == [shown, "—", "Written off", "-2", "", "Eaten by mice"]
    assert "Admin" in rows[1] and "+1" in rows[1] and "delivery 53" in rows[1]
    assert "first" not in table  # the oldest of 56 changes is past the last fifty


# Races ---------------------------------------------------------------------------------


def test_write_offs_racing_with_orders_never_take_what_orders_hold(app):
    """20 admins write off 3 each while 20 customers order 2 each, from 30 units."""
    with app.app_context():
        product = make_product(30)
        version = make_activity([product], limit=5)
        warehouse = Warehouse.default()
        admin = make_user("admin")

    def act(i):
        if i % 2:
            return order_for(version, [(product, 2)], key=unique("race-")).id
        return write_off_stock(product, warehouse, 3, reason=f"damaged {i}", by=admin).id

    results = race(app, 40, act)

    outcomes = Tally((i % 2, outcome) for i, (outcome, _) in enumerate(results))
    assert set(outcomes) <= {(0, "ok"), (0, "NotEnoughFree"), (1, "ok"), (1, "OutOfStock")}
    written_off, ordered = outcomes[(0, "ok")], outcomes[(1, "ok")]
    with app.app_context():
        row = stock_of(product)
        assert 0 <= row.reserved <= row.on_hand
        assert row.on_hand == 30 - 3 * written_off
        assert row.reserved == 2 * ordered == 2 * Order.select().count()
        assert 3 * written_off + 2 * ordered <= 30
        # Free units only shrink here: whoever was refused was refused for lack of them.
        if outcomes[(0, "NotEnoughFree")]:
            assert row.available < 3
        if outcomes[(1, "OutOfStock")]:
            assert row.available < 2
        assert ledger_sums() == (row.on_hand, row.reserved)
        assert StockMovement.select().where(StockMovement.kind == "written_off").count() == (
            written_off
        )
    refusals = [error for outcome, error in results if outcome in ("NotEnoughFree", "OutOfStock")]
    assert all(isinstance(e, NotEnoughFree | OutOfStock) for e in refusals)


def test_receipts_counts_and_write_offs_racing_with_orders_add_up(app):
    """Every kind of change at once: the movements always sum to what on hand moved by."""
    with app.app_context():
        product = make_product(20)
        version = make_activity([product], limit=5)
        warehouse = Warehouse.default()

    def act(i):
        kind = i % 4
        if kind == 0:
            return receive_stock(product, warehouse, 2).change
        if kind == 1:
            return write_off_stock(product, warehouse, 1, reason="lost").change
        if kind == 2:
            return count_stock(product, warehouse, 15 + i % 7).change
        return order_for(version, [(product, 1)], key=unique("race-")).id

    results = race(app, 32, act)

    assert {outcome for outcome, _ in results} <= {"ok", "NotEnoughFree", "HeldByOrders"}
    with app.app_context():
        row = stock_of(product)
        assert 0 <= row.reserved <= row.on_hand
        assert ledger_sums() == (row.on_hand, row.reserved)
        assert row.reserved == Order.select().count()
        assert OrderLine.select(fn.SUM(OrderLine.quantity)).scalar() == row.reserved


# In the browser ------------------------------------------------------------------------


def test_an_admin_adds_a_product_with_stock_then_receives_more(desktop_page, app):
    from tests.accounts.test_sign_in_browser import assert_fits_the_screen, screenshot, sign_in

    with app.app_context():
        admin = make_user("admin")
        make_product(120, price=3990, name="丹东草莓 Dandong strawberries", sku="FR-STRAW")
    page = desktop_page
    page.goto("/admin/products/new")
    sign_in(page, admin)
    page.wait_for_url("**/admin/products/new")
    page.wait_for_function("() => window.htmx !== undefined")
    page.get_by_label("Name", exact=True).fill("Yantai apples")
    page.get_by_label("SKU").fill("FR-APPLE")
    page.get_by_label("Price (yuan)").fill("¥35")
    page.get_by_label("Unit (optional)").fill("3kg")
    page.get_by_label("Initial stock").fill("20")
    page.get_by_role("button", name="Add product").click()

    page.wait_for_url(re.compile(r"/admin/products/\d+$"))
    assert page.get_by_text("“Yantai apples” added.").is_visible()
    assert page.locator("[data-available]").inner_text() == "20"
    page.get_by_label("Units received").fill("15")
    page.get_by_label("Note (optional)").first.fill("Second delivery")
    page.get_by_role("button", name="Add to stock").click()
    page.get_by_text("Received 15.").wait_for()
    assert page.locator("[data-available]").inner_text() == "35"
    history = page.locator("table.movements tbody tr")
    assert history.count() == 2
    assert "+15" in history.first.inner_text() and "Second delivery" in history.first.inner_text()
    screenshot(page, "products-desktop.png")

    page.get_by_text("Shop setup").click()  # the admin's links, behind one disclosure
    page.get_by_role("link", name="Products", exact=True).click()
    page.wait_for_url("**/admin/products")
    page.get_by_role("searchbox").fill("apple")
    page.wait_for_url("**/admin/products?q=apple*")
    rows = page.locator("#product-list tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("[data-available]").inner_text() == "35"
    page.set_viewport_size({"width": 390, "height": 844})  # an admin's phone: menu and all fit
    assert_fits_the_screen(page)
