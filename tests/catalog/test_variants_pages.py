"""Variants on the admin pages (the product page's section, the list) and on the order form:
one card per family with a choice of its offered variants, each ordered as its own line."""

import re

from models.catalog import stock
from models.catalog.products import Product, Warehouse
from models.catalog.variants import VariantDetails, make_family, rename_family, variants_of
from models.orders.order import Order, OrderLine
from tests.factories import make_activity, make_product, stock_of
from tests.helpers import EN, hidden_inputs, sql_statements


def test_an_admin_adds_variants_and_renames_them_on_the_product_page(app, as_admin, admin_post):
    with app.app_context():
        apple = make_product(20, price=990, name="Apple", sku="AP-500")
    page = as_admin.get(f"/admin/products/{apple.id}").get_data(as_text=True)
    assert (
        'id="variants"' in page and "Add a variant" in page and "This product&#39;s option" in page
    )

    data = {
        "variant-first_option": "500 g",
        "variant-option": "1 kg",
        "variant-sku": "AP-500",  # taken: the apple's own
        "variant-price": "18",
    }
    response = admin_post(f"/admin/products/{apple.id}/variants", data, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "is already used by" in html
    assert 'value="1 kg"' in html and 'value="500 g"' in html  # the input is kept

    response = admin_post(f"/admin/products/{apple.id}/variants", data | {"variant-sku": "AP-1K"})
    assert response.status_code == 303
    with app.app_context():
        family = variants_of(Product.get_by_id(apple.id).family_id)
        assert [(p.name, p.sku, p.price) for p in family] == [
            ("Apple 500 g", "AP-500", 990),
            ("Apple 1 kg", "AP-1K", 1800),
        ]
    page = as_admin.get(f"/admin/products/{apple.id}").get_data(as_text=True)
    assert "AP-1K" in page and "This product&#39;s option" not in page

    response = admin_post(
        f"/admin/products/{apple.id}/variants/name",
        {"family-name": "Fuji", "family-seen": "Someone else's"},
        htmx=True,
    )
    assert response.status_code == 422 and "Another admin changed" in response.get_data(
        as_text=True
    )
    response = admin_post(
        f"/admin/products/{apple.id}/variants/name", {"family-name": "Fuji", "family-seen": "Apple"}
    )
    assert response.status_code == 303
    admin_post(
        f"/admin/products/{apple.id}/variants/option",
        {"option-option": "half a kilo", "option-seen": "500 g"},
    )
    with app.app_context():
        assert [p.name for p in variants_of(family[0].family_id)] == [
            "Fuji half a kilo",
            "Fuji 1 kg",
        ]
    listing = as_admin.get("/admin/products").get_data(as_text=True)
    assert re.search(r'Fuji <span class="option-tag">1 kg</span>', listing)

    admin_post(f"/admin/products/{family[1].id}/variants/leave")
    with app.app_context():
        assert Product.get_by_id(family[1].id).family_id is None


def sauce_shop():
    """辣酱 原味 (¥12, 8 left) / 辣味 (¥13, 5 left) and a plain pear, offered on one form."""
    mild = make_product(8, price=1200, name="辣酱", sku="SAUCE-M")
    Product.update(description="Homemade").where(Product.id == mild.id).execute()
    hot = make_family(mild, "原味", VariantDetails("辣味", "SAUCE-H", 1300))
    stock.receive(hot.id, Warehouse.default().id, 5)
    pear = make_product(5, price=500, name="Pear")
    version = make_activity([Product.get_by_id(mild.id), hot, pear])
    return version, Product.get_by_id(mild.id), hot, pear


def test_the_order_form_shows_a_family_as_one_card_and_orders_each_variant(app, client):
    with app.app_context():
        version, mild, hot, _pear = sauce_shop()
    html = client.get(f"/f/{version.template.slug}", headers=EN).get_data(as_text=True)
    cards = re.findall(r'<div class="product-card[^"]*"', html)
    assert len(cards) == 1  # the sauce's; the pear is a line of its own
    card = html[html.index('class="product-card') :]
    card = card[: card.index("</fieldset>")]
    assert len(re.findall(r'class="family-name"[^>]*>辣酱</p>', card)) == 1
    assert card.count("Homemade") == 1 and ">原味</span>" in card and ">辣味</span>" in card
    assert "原味" in card and "辣味" in card and "¥12.00" in card and "¥13.00" in card
    assert f'name="items-{mild.id}"' in card and f'name="items-{hot.id}"' in card

    data = {
        **hidden_inputs(html),
        "name": "Li",
        "phone": "13800138000",
        f"items-{mild.id}": "2",
        f"items-{hot.id}": "1",
    }
    response = client.post(f"/f/{version.template.slug}", data=data, headers=EN)
    assert response.status_code == 303
    with app.app_context():
        order = Order.get()
        lines = OrderLine.select().where(OrderLine.order == order.id).order_by(OrderLine.id)
        assert [(line.name, line.unit_price, line.quantity) for line in lines] == [
            ("辣酱 原味", 1200, 2),
            ("辣酱 辣味", 1300, 1),
        ]
        assert order.total == 3700
        assert (stock_of(mild).reserved, stock_of(hot).reserved) == (2, 1)


def test_the_designer_lists_variants_under_their_family_each_ticked_on_its_own(
    app, as_admin, admin_post
):
    from tests.activities.test_designer import fields_of, new_template

    with app.app_context():
        pear = make_product(name="Pear")
        mild = make_product(8, price=1200, name="辣酱", sku="SAUCE-M")
        hot = make_family(mild, "原味", VariantDetails("辣味", "SAUCE-H", 1300))
    template = new_template(admin_post)
    admin_post(f"/admin/forms/{template.id}/fields", {"kind": "products"})
    html = as_admin.get(f"/admin/forms/{template.id}?edit=products_1").get_data(as_text=True)
    rows = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert re.search(r"Pear .*辣酱 \(variants: tick the ones to offer\) .*原味 .*辣味", rows)

    response = admin_post(
        f"/admin/forms/{template.id}/fields/products_1",
        {"label": "Items", f"offer_{hot.id}": "y", f"offer_{mild.id}": "y", f"limit_{hot.id}": "2"},
    )
    assert response.status_code == 303
    assert fields_of(template)[2]["products"] == [
        {"product_id": mild.id},
        {"product_id": hot.id, "limit": 2},
    ]
    assert pear.id


def test_a_form_with_variants_reads_what_one_without_reads(app, client):
    """The families come with what each worker keeps of the form (models/config_cache.py):
    showing it reads no more than a form of plain products does, and a renamed family shows."""
    with app.app_context():
        version, mild, _hot, _pear = sauce_shop()
        plain = make_activity([make_product(3, name="Figs"), make_product(3, name="Kiwis")])
    urls = [f"/f/{version.template.slug}", f"/f/{plain.template.slug}"]
    for url in urls:
        client.get(url, headers=EN)  # kept from now on
    counts = []
    for url in urls:
        with sql_statements() as statements:
            assert client.get(url, headers=EN).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts

    with app.app_context():
        rename_family(Product.get_by_id(mild.id).family, "Chilli", seen="辣酱")
    html = client.get(urls[0], headers=EN).get_data(as_text=True)
    assert re.search(r'class="family-name"[^>]*>Chilli</p>', html)


def test_a_plain_products_page_reads_no_family(app, as_admin):
    """The product page of a product with no variants looks for no family (one statement less
    on every such page; bench/inventory.py times both kinds)."""
    with app.app_context():
        figs = make_product(3, name="Figs")
    as_admin.get(f"/admin/products/{figs.id}")
    with sql_statements() as statements:
        page = as_admin.get(f"/admin/products/{figs.id}", headers=EN)
    assert page.status_code == 200 and "Add a variant" in page.get_data(as_text=True)
    assert not [sql for sql in statements if "productfamily" in sql], statements
