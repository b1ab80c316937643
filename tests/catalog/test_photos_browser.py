"""Product photos in Chromium: an admin on a desktop uploads one and sees it; a customer on a
phone (390×844, DPR 2) sees the cover beside the product, loaded lazily from its srcset's
160-px width."""

import re

import pytest

from models.catalog.photos import add_photos
from tests.catalog.photos import noisy_photo
from tests.factories import make_activity, make_product
from tests.helpers import loaded_width, make_user

pytestmark = pytest.mark.browser


def test_an_admin_uploads_a_photo_and_sees_it(desktop_page, app, tmp_path):
    from tests.accounts.test_sign_in_browser import sign_in

    with app.app_context():
        admin = make_user("admin")
        product = make_product(name="Yantai apples")
    photo = tmp_path / "apples.jpg"
    photo.write_bytes(noisy_photo(1200, 800))
    page = desktop_page
    page.goto(f"/admin/products/{product.id}")
    sign_in(page, admin)
    page.wait_for_url(f"**/admin/products/{product.id}")
    page.wait_for_load_state()
    page.wait_for_function("() => window.htmx !== undefined")
    page.locator("#photos input[type=file]").set_input_files(str(photo))
    page.get_by_role("button", name="Upload").click()

    page.get_by_text("Photos added: 1.").wait_for()
    shown = page.locator("#photos img[alt='Yantai apples']")
    assert loaded_width(shown) == 160
    assert page.locator("#photos").get_by_text("Cover").is_visible()


def test_a_customer_on_a_phone_sees_covers_lazily_at_160_px(phone_page, app):
    with app.app_context():
        products = [make_product(name=f"Fruit {n}") for n in range(3)]
        for n, product in enumerate(products):
            add_photos(product, [noisy_photo(1500, 1000, n)])
        version = make_activity(products)
    fetched = []
    phone_page.on("request", lambda r: fetched.append(r.url) if "/photos/" in r.url else None)
    phone_page.goto(f"/f/{version.template.slug}")
    cover = phone_page.get_by_role("img", name="Fruit 0")
    assert loaded_width(cover) > 0  # scrolled to: a lazy image loads when seen
    assert cover.get_attribute("loading") == "lazy"
    assert cover.get_attribute("sizes") == "80px"
    assert re.fullmatch(
        r"/photos/\d+/160 160w, /photos/\d+/320 320w, /photos/\d+/640 640w",
        cover.get_attribute("srcset"),
    )
    assert cover.evaluate("img => img.currentSrc").endswith("/160")  # 80 px × DPR 2
    box = cover.bounding_box()
    assert round(box["width"]) == 80 and round(box["height"]) == 80
    assert fetched and all(url.endswith("/160") for url in fetched)
