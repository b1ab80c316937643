"""Categories: added, renamed, ordered and deleted at /admin/categories (deleting keeps the
products, without a category), chosen on the product form, filtering the product list and
heading the order form's products; migration 0057 keeps the products it finds."""

import re

from models.catalog.categories import category_list, create_category
from models.catalog.products import Category, Product
from models.schema import upgrade
from tests.factories import make_activity, make_product
from tests.helpers import EN, HTMX


def names() -> list[str]:
    return [c.name for c in category_list()]


def test_an_admin_adds_renames_orders_and_deletes_categories(admin_post):
    assert admin_post("/admin/categories", {"new-name": "Fruit"}).status_code == 303
    response = admin_post("/admin/categories", {"new-name": " Vegetables "}, htmx=True)
    assert response.status_code == 200 and "Vegetables" in response.get_data(as_text=True)
    fruit, veg = category_list()
    assert names() == ["Fruit", "Vegetables"]

    response = admin_post("/admin/categories", {"new-name": "fruit"}, htmx=True)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Another category already has this name." in html and 'value="fruit"' in html

    response = admin_post(f"/admin/categories/{veg.id}", {f"c{veg.id}-name": ""}, htmx=True)
    assert response.status_code == 422 and "Enter a name." in response.get_data(as_text=True)
    admin_post(f"/admin/categories/{veg.id}", {f"c{veg.id}-name": "Greens"})
    admin_post(f"/admin/categories/{veg.id}/up")
    assert names() == ["Greens", "Fruit"]
    admin_post(f"/admin/categories/{veg.id}/up")  # first already: nothing changes
    assert names() == ["Greens", "Fruit"]

    apple = make_product(name="Apple")
    Product.update(category=fruit.id).where(Product.id == apple.id).execute()
    response = admin_post(f"/admin/categories/{fruit.id}/delete")
    assert response.status_code == 303
    assert names() == ["Greens"]
    assert Product.get_by_id(apple.id).category_id is None  # the product stays, uncategorised


def test_staff_cannot_open_categories(client, staff, login):
    login(staff)
    assert client.get("/admin/categories").status_code == 403


def test_the_product_form_chooses_a_category_and_the_list_filters_by_it(admin_post, as_admin):
    fruit = create_category("Fruit")
    apple, pen = make_product(name="Apple"), make_product(name="Pen")
    data = {"name": "Apple", "sku": apple.sku, "price": "10", "active": "y"}
    response = admin_post(f"/admin/products/{apple.id}", {**data, "category_id": str(fruit.id)})
    assert response.status_code == 303
    assert Product.get_by_id(apple.id).category_id == fruit.id
    response = admin_post(f"/admin/products/{apple.id}", {**data, "category_id": "999"})
    assert response.status_code == 422  # not a category

    listed = as_admin.get(f"/admin/products?category={fruit.id}", headers=HTMX)
    assert "Apple" in listed.get_data(as_text=True) and "Pen" not in listed.get_data(as_text=True)
    listed = as_admin.get("/admin/products?category=none", headers=HTMX).get_data(as_text=True)
    assert "Pen" in listed and "Apple" not in listed
    assert pen.category_id is None


def test_the_order_form_heads_products_by_category_in_their_order(client):
    fruit, veg = create_category("Fruit"), create_category("Vegetables")
    carrot, apple, pen = (make_product(name=n) for n in ("Carrot", "Apple", "Pen"))
    Product.update(category=veg.id).where(Product.id == carrot.id).execute()
    Product.update(category=fruit.id).where(Product.id == apple.id).execute()
    version = make_activity([carrot, apple, pen])
    html = client.get(f"/f/{version.template.slug}", headers=EN).get_data(as_text=True)
    shown = re.findall(r'class="category-heading">([^<]+)<|<span>(Carrot|Apple|Pen)</span>', html)
    assert [a or b for a, b in shown] == ["Fruit", "Apple", "Vegetables", "Carrot", "Other", "Pen"]


def test_without_categories_the_order_form_has_no_headings(client):
    version = make_activity([make_product(name="Apple"), make_product(name="Pear")])
    html = client.get(f"/f/{version.template.slug}", headers=EN).get_data(as_text=True)
    assert "category-heading" not in html


def test_migration_0057_keeps_products_without_a_category(app_context, tmp_path):
    from models.db import bind_database, db

    previous = db.obj
    bind_database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        upgrade(target="0049_waiting_lists")
        db.execute_sql(
            "INSERT INTO product (name, sku, price, unit, description, aliases, tracks_stock,"
            " active, created_at) VALUES ('Old', 'OLD-1', 100, '', '', '[]', 1, 1, "
            "'2026-01-01 00:00:00')"
        )
        upgrade()
        old = Product.get(Product.sku == "OLD-1")
        assert old.category_id is None and Category.select().count() == 0
    finally:
        db.close()
        db.initialize(previous)
