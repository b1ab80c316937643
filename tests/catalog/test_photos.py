"""Product photos: kept at three widths without EXIF, uploaded on the product page (plain form
and htmx), hostile files refused with 422, reordered and deleted; the order form shows the
cover with srcset, lazily, within the page-weight budget."""

import gzip
import io
import re
from pathlib import Path

from PIL import Image

from models.catalog.photos import MAX_PHOTOS, WIDTHS, ProductPhoto, add_photos, product_photos
from models.uploads import open_image, save_widths
from tests.catalog.photos import PHP, bomb, noisy_photo
from tests.factories import make_activity, make_product
from tests.helpers import EN, race

PHONE_DPR, THUMB_CSS_PX = 2, 80  # a 390-px phone's pixel ratio; the cover's box (order.css)
ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def upload(admin_post, product, *files, htmx=False):
    data = {"photos": [(io.BytesIO(content), name) for name, content in files]}
    return admin_post(f"/admin/products/{product.id}/photos", data, htmx=htmx)


def stored(photo: ProductPhoto, width: int) -> bytes:
    return open_image(photo.name_at(width))[0]


def test_a_photo_is_kept_at_each_width_without_exif(app_context):
    kept = save_widths(noisy_photo(), WIDTHS)
    assert [(w, h) for w, h, _name in kept] == [(160, 107), (320, 214), (640, 427)]
    for _w, _h, name in kept:
        data, content_type = open_image(name)
        assert content_type == "image/webp"
        assert b"PhoneMaker" not in data and not Image.open(io.BytesIO(data)).getexif()
    sizes = [len(open_image(name)[0]) for _w, _h, name in kept]
    assert sizes[0] <= 8 * 1024 and sizes[2] <= 30 * 1024, sizes  # docs/products.md


def test_a_small_photo_is_not_enlarged(app_context):
    kept = save_widths(noisy_photo(200, 100), WIDTHS)
    assert [(w, h) for w, h, _name in kept] == [(160, 80), (200, 100)]


def test_an_admin_uploads_with_a_plain_form_and_with_htmx(admin_post, app):
    product = make_product()
    response = upload(admin_post, product, ("cam.jpg", noisy_photo(1200, 800)))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/admin/products/{product.id}#photos")
    two = [("b.jpg", noisy_photo(900, 900, 1)), ("c.png", noisy_photo(500, 400, 2))]
    response = upload(admin_post, product, *two, htmx=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="photos"') and html.count("<li data-photo") == 3
    assert "Cover" in html
    assert len(product_photos(product)) == 3


def test_the_product_page_shows_the_photos_section(as_admin):
    product = make_product()
    with as_admin.application.app_context():
        add_photos(product, [noisy_photo(400, 300)])
    html = as_admin.get(f"/admin/products/{product.id}").get_data(as_text=True)
    assert 'id="photos"' in html and 'enctype="multipart/form-data"' in html
    photo = product_photos(product)[0]
    assert f'src="/photos/{photo.id}/160"' in html


def test_hostile_files_are_refused_inline_with_422(admin_post, app):
    product = make_product()
    refused = {
        "a PHP script named .jpg": ("photo.jpg", PHP),
        "50 MB": ("big.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * (50 * 1024 * 1024)),
        "a decompression bomb": ("bomb.png", bomb()),
    }
    for why, file in refused.items():
        response = upload(admin_post, product, file, htmx=True)
        assert response.status_code == 422, why
        html = response.get_data(as_text=True)
        assert 'class="error"' in html and ("PNG, JPEG" in html or "MB" in html), why
    assert product_photos(product) == []
    assert not list(Path(app.config["UPLOAD_FOLDER"]).glob("*"))  # nothing written


def test_a_seventh_photo_is_refused_and_nothing_of_it_kept(admin_post, app):
    product = make_product()
    photo = noisy_photo(300, 200)
    with app.app_context():
        add_photos(product, [photo] * MAX_PHOTOS)
    response = upload(admin_post, product, ("seven.jpg", photo), htmx=True)
    assert response.status_code == 422
    assert "at most 6 photos" in response.get_data(as_text=True)
    assert len(product_photos(product)) == MAX_PHOTOS
    files = list(Path(app.config["UPLOAD_FOLDER"]).glob("*"))
    assert len(files) == MAX_PHOTOS * 2  # 300 px wide: kept at 160 and 300


def test_photos_are_reordered_and_deleted(admin_post, app):
    product = make_product()
    with app.app_context():
        first, second = add_photos(product, [noisy_photo(300, 200), noisy_photo(300, 200, 1)])
    url = f"/admin/products/{product.id}/photos/{second.id}"
    assert admin_post(f"{url}/up").status_code == 303
    assert [p.id for p in product_photos(product)] == [second.id, first.id]
    assert admin_post(f"{url}/delete", htmx=True).status_code == 200
    assert [p.id for p in product_photos(product)] == [first.id]
    with app.app_context():
        assert open_image(second.name_at(160)) is None  # its files are gone
    other = make_product()
    assert admin_post(f"/admin/products/{other.id}/photos/{first.id}/delete").status_code == 404


def test_photo_files_are_served_only_at_their_widths(client, app):
    product = make_product()
    with app.app_context():
        (photo,) = add_photos(product, [noisy_photo(700, 500)])
    response = client.get(f"/photos/{photo.id}/320")
    assert response.status_code == 200 and response.mimetype == "image/webp"
    assert "immutable" in response.headers["Cache-Control"]
    assert client.get(f"/photos/{photo.id}/321").status_code == 404
    assert client.get(f"/photos/{photo.id + 1}/320").status_code == 404


def phone_pick(srcset: str) -> str:
    """The candidate a 390-px phone with DPR 2 takes for the 80-px cover: the narrowest whose
    width covers 80 × 2 device pixels (the widest when none does)."""
    candidates = sorted(
        (int(width[:-1]), url) for url, width in (c.strip().split() for c in srcset.split(","))
    )
    need = THUMB_CSS_PX * PHONE_DPR
    return next((url for width, url in candidates if width >= need), candidates[-1][1])


def test_the_order_form_shows_covers_lazily_within_its_weight_budget(client, app):
    products = [make_product(name=f"Fruit {n}") for n in range(12)]
    with app.app_context():
        for n, product in enumerate(products):
            add_photos(product, [noisy_photo(seed=n % 3)])
    version = make_activity(products)
    html = client.get(f"/f/{version.template.slug}", headers=EN).get_data(as_text=True)

    images = re.findall(r"<img class=\"product-photo\"[^>]*>", html)
    assert len(images) == 12
    for product, image in zip(products, images, strict=True):
        assert 'loading="lazy"' in image and 'sizes="80px"' in image
        assert f'alt="{product.name}"' in image
        assert re.search(r'width="160" height="107"', image)
        srcset = re.search(r'srcset="([^"]+)"', image).group(1)
        assert [c.split()[1] for c in srcset.split(", ")] == ["160w", "320w", "640w"]
        phone = client.get(phone_pick(srcset)).get_data()
        assert len(phone) <= 30 * 1024, len(phone)

    weight = len(gzip.compress(html.encode()))
    for asset in set(ASSET.findall(html)):
        weight += len(gzip.compress(client.get(asset).get_data()))
    assert weight <= 50 * 1024, weight


def test_two_uploads_at_once_never_pass_six_photos(app):
    with app.app_context():
        product = make_product()
    photo = noisy_photo(200, 100)
    results = race(app, 2, lambda i: add_photos(product, [photo] * 4))
    assert sorted(outcome for outcome, _ in results) == ["TooManyPhotos", "ok"]
    assert len(product_photos(product)) == 4
    assert len(list(Path(app.config["UPLOAD_FOLDER"]).glob("*"))) == 4 * 2  # the loser's: gone
