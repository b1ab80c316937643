"""The customer rates on the tracking page, without JavaScript (a plain multipart form) and with
htmx (the part swapped in place): stars per order and per product, a comment, photos checked
as the after-sales photos are; 422 inline keeping what was typed; a double tap makes one."""

import io
import re

import pytest

from models.ratings.rating import Rating, RatingPhoto
from tests.aftersales.test_customer_pages import bomb
from tests.factories import make_product, order_for, published_version
from tests.helpers import EN, HTMX, csrf_token_from, text_of
from tests.payments.images import photo_with_location, png
from tests.ratings.conftest import complete


def rate(client, url, photos=(), headers=EN, token=None, **fields):
    token = token or csrf_token_from(client, url)
    data = {"csrf_token": token, "stars": "4", "comment": "Sweet apples", **fields}
    data["photos"] = [(io.BytesIO(content), name) for name, content in photos]
    return client.post(
        f"{url}/rating", data=data, headers=headers, content_type="multipart/form-data"
    )


def product_inputs(html: str) -> list[str]:
    return sorted(set(re.findall(r'name="(product-\d+)"', html)))


def test_a_completed_order_offers_the_rating_form(client, done):
    url, _ = done
    page = client.get(url, headers=EN)
    html = page.get_data(as_text=True)
    assert "Your rating" in text_of(page) and "5 – Excellent" in text_of(page)
    assert f'action="{url}/rating"' in html and 'enctype="multipart/form-data"' in html
    assert len(product_inputs(html)) == 2  # Apples and Pears


def test_an_open_order_offers_none(client, app):
    with app.app_context():
        order = order_for(published_version(), [(make_product(5), 1)])
    url = f"/o/{order.tracking_token}"
    assert "Your rating" not in text_of(client.get(url, headers=EN))
    response = rate(client, url)
    assert response.status_code == 422
    assert "can be rated once it is completed" in text_of(response)


def test_rating_with_product_stars_and_photos_shows_it_on_the_page(client, done, app):
    url, _ = done
    html = client.get(url, headers=EN).get_data(as_text=True)
    apples, pears = product_inputs(html)
    response = rate(
        client,
        url,
        photos=[("a.jpg", photo_with_location()), ("b.png", png())],
        **{apples: "5", pears: "2"},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{url}#rating")
    page = client.get(url, headers=EN)
    section = page.get_data(as_text=True).split('id="rating"')[1]
    assert "4 of 5 stars" in section and "Sweet apples" in section
    assert "Apples" in section and "5 of 5 stars" in section and "2 of 5 stars" in section
    assert "Send the rating" not in section  # rated: no form any more
    with app.app_context():
        rating = Rating.get()
        assert rating.stars == 4
        photos = list(RatingPhoto.select())
        assert len(photos) == 2
    assert client.get(f"{url}/rating/photos/{photos[0].thumbnail}").status_code == 200


def test_the_photos_are_only_for_the_orders_link(client, done, app):
    url, _ = done
    assert rate(client, url, photos=[("b.png", png())]).status_code == 303
    with app.app_context():
        name = RatingPhoto.get().image
        other = complete(order_for(published_version(), [(make_product(5), 1)], name="Bo"))
    assert client.get(f"{url}/rating/photos/{name}").status_code == 200
    assert client.get(f"/o/{other.tracking_token}/rating/photos/{name}").status_code == 404
    assert client.get(f"/o/nope/rating/photos/{name}").status_code == 404


def test_no_stars_is_a_422_inline_keeping_what_was_typed(client, done, app):
    url, _ = done
    response = rate(client, url, stars="", comment="Where do I click")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="stars-error">Choose 1 to 5 stars.', html)
    assert "Where do I click" in html
    assert 'aria-describedby="stars-error"' in html
    with app.app_context():
        assert Rating.select().count() == 0


@pytest.mark.parametrize(
    "upload",
    [
        ("shell.jpg", b"<?php system($_GET['c']); ?>"),
        ("huge.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * (50 * 1024 * 1024)),
        ("bomb.png", "bomb"),
    ],
    ids=["php-renamed-jpg", "50-MB", "decompression-bomb"],
)
def test_a_hostile_file_is_a_422_under_the_photos(client, done, app, upload):
    url, _ = done
    name, content = upload
    content = bomb() if content == "bomb" else content
    response = rate(client, url, photos=[(name, content)], comment="kept words")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="photos-error">[^<]*(PNG, JPEG|at most \d+ MB)', html)
    assert "kept words" in html and re.search(
        r'<input checked id="stars-\d" name="stars" type="radio" value="4">', html
    )
    with app.app_context():
        assert Rating.select().count() == 0


def test_seven_photos_are_too_many(client, done):
    url, _ = done
    response = rate(client, url, photos=[(f"{i}.png", png()) for i in range(7)])
    assert response.status_code == 422
    assert "at most 6 photos" in response.get_data(as_text=True)


def test_a_double_tap_makes_one_rating_and_both_land_on_it(client, done, app):
    url, _ = done
    token = csrf_token_from(client, url)  # both taps are sent from the same page
    first = rate(client, url, token=token, stars="5", comment="first")
    second = rate(client, url, token=token, stars="1", comment="second")
    assert first.status_code == second.status_code == 303
    with app.app_context():
        assert [(r.stars, r.comment) for r in Rating.select()] == [(5, "first")]


def test_htmx_swaps_the_rating_in_place(client, done):
    url, _ = done
    bad = rate(client, url, stars="", headers=HTMX)
    assert bad.status_code == 422
    assert '<section class="card rating" id="rating"' in bad.get_data(as_text=True)
    assert "<html" not in bad.get_data(as_text=True)
    good = rate(client, url, headers=HTMX)
    assert good.status_code == 200
    assert "4 of 5 stars" in good.get_data(as_text=True) and "<html" not in good.get_data(
        as_text=True
    )
