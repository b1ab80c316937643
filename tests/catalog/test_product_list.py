"""The admin products list a page at a time (models/catalog/admin.py `product_list`): keyset
pages over (for sale first, name, id) that never repeat or skip a product, the link to the next
page keeping the filters, the "low on stock" filter, odd `after` values, and the queries a page
costs however deep it is. Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""

import re
from html import unescape

from models.catalog.admin import product_list, write_off_stock
from models.catalog.categories import create_category
from models.catalog.products import Product, Warehouse
from tests.factories import make_product
from tests.helpers import HTMX, sql_statements, text_of


def make_products() -> list[Product]:
    """23 products: names that repeat (the id breaks the tie), some not for sale."""
    made = []
    for n in range(23):
        product = make_product(10, name=f"Fruit {n % 7}", sku=f"FR-{n:03d}")
        if n % 5 == 0:
            Product.update(active=False).where(Product.id == product.id).execute()
        made.append(product)
    return made


def in_list_order(products) -> list[int]:
    listed = sorted(
        Product.select().where(Product.id.in_([p.id for p in products])),
        key=lambda p: (not p.active, p.name, p.id),
    )
    return [p.id for p in listed]


def every_page(size: int, **chosen) -> list[list[int]]:
    pages, after = [], None
    while True:
        rows, after = product_list(after=after, size=size, **chosen)
        pages.append([row.product.id for row in rows])
        if after is None:
            return pages


def test_pages_follow_each_other_without_repeating_or_skipping_a_product(app):
    made = make_products()

    pages = every_page(5, include_inactive=True)
    for_sale = every_page(4)

    assert [len(page) for page in pages] == [5, 5, 5, 5, 3]
    assert [row for page in pages for row in page] == in_list_order(
        made
    )  # for sale first, then by name, then id
    active = [p for p in made if Product.get_by_id(p.id).active]
    assert [row for page in for_sale for row in page] == in_list_order(active)


def test_a_page_costs_one_query_first_and_two_after_however_deep(app):
    make_products()
    with sql_statements() as first:
        rows, after = product_list(size=3, include_inactive=True)
    deep_after = every_page(3, include_inactive=True)[-2][-1]
    with sql_statements() as deep:
        product_list(size=3, include_inactive=True, after=deep_after)

    assert len(rows) == 3 and after == rows[-1].product.id
    assert len(first) == 1, first
    assert len(deep) == 2, deep  # the last product shown, then the page with its stock


def test_an_after_that_is_no_product_starts_from_the_beginning(app):
    made = make_products()

    rows, _ = product_list(after=10**9, size=5, include_inactive=True)

    assert [row.product.id for row in rows] == in_list_order(made)[:5]


def test_the_next_page_link_keeps_the_filters(as_admin, app):
    fruit = create_category("Fruit")
    for n in range(55):
        product = make_product(10, name=f"Apple {n:02d}", sku=f"AP-{n:03d}")
        Product.update(category=fruit.id).where(Product.id == product.id).execute()
    make_product(10, name="Apple elsewhere", sku="AP-OTHER")

    first = as_admin.get(f"/admin/products?q=apple&category={fruit.id}")
    html = first.get_data(as_text=True)
    link = unescape(re.search(r'rel="next" href="([^"]+)"', html).group(1))
    second = as_admin.get(link, headers=HTMX)
    rest = second.get_data(as_text=True)

    assert html.count("<tr data-sku=") == 50
    assert "q=apple" in link and f"category={fruit.id}" in link and "after=" in link
    assert rest.count("<tr data-sku=") == 5 and 'rel="next"' not in rest
    shown = re.findall(r'data-sku="([^"]+)"', html + rest)
    assert sorted(shown) == [f"AP-{n:03d}" for n in range(55)]  # each once, none from elsewhere


def test_only_those_low_on_stock(as_admin, app):
    low = make_product(10, name="Pears", sku="PE-1")
    make_product(50, name="Plums", sku="PL-1")
    write_off_stock(low, Warehouse.default(), 6, reason="bruised")  # 4 left: at the mark (5)

    rows, _ = product_list(low_only=True)
    page = as_admin.get("/admin/products", query_string={"low": "1"})
    none = as_admin.get("/admin/products", query_string={"low": "1", "q": "plums"})

    assert [row.product.sku for row in rows] == ["PE-1"] and rows[0].low == 1
    html = page.get_data(as_text=True)
    assert 'name="low" value="1" checked' in html
    assert "PE-1" in html and "PL-1" not in html
    assert "No product matches" in text_of(none)


def test_odd_page_values_are_ignored(as_admin, app):
    make_product(10, name="Pears", sku="PE-1")
    for odd in ("abc", "-1", "0", "1e9", "99999999999999999999", "１"):
        response = as_admin.get("/admin/products", query_string={"after": odd, "low": odd})
        assert response.status_code == 200, odd
        assert "PE-1" in response.get_data(as_text=True), odd
