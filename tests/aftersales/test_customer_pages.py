"""The customer's after-sales on the tracking page, without JavaScript: asking per line, photos
checked (hostile files are a 422 with the error under the input), seen only with the order's
link, the shop's answer shown, withdrawing a request."""

import io
import os
import re

import pytest
from PIL import Image

from models.aftersales.case import AfterSalesCase, CasePhoto
from models.aftersales.lifecycle import transition_case
from models.orders.lifecycle import Actor, walk_order
from models.uploads import open_image
from tests.factories import make_product, order_for, published_version
from tests.helpers import EN, csrf_token_from, hidden_inputs, text_of
from tests.payments.images import photo_with_location, png


@pytest.fixture
def done(app):
    """A handed-over order of 3 units: (its tracking URL, its line id, the order)."""
    with app.app_context():
        product = make_product(10, price=1250, name="Mooncakes")
        order = order_for(published_version(), [(product, 3)])
        order = walk_order(order, ("confirmed", "processing", "ready", "completed"), Actor.system())
        return f"/o/{order.tracking_token}", order.lines[0].id, order


def ask(client, url, line_id, photos=(), **fields):
    form_url = f"{url}/after-sales/{line_id}"
    token = csrf_token_from(client, form_url)
    data = {
        "csrf_token": token,
        "kind": "return_refund",
        "quantity": "1",
        "reason": "Damaged",
        "details": "The box was crushed",
        "preferred": "refund",
        **fields,
    }
    data["photos"] = [(io.BytesIO(content), name) for name, content in photos]
    return client.post(form_url, data=data, headers=EN, content_type="multipart/form-data")


def test_a_completed_order_offers_after_sales_per_line(client, done):
    url, line_id, _ = done
    page = client.get(url, headers=EN)
    assert "Ask for after-sales" in text_of(page)
    assert f"{url}/after-sales/{line_id}" in page.get_data(as_text=True)
    form = client.get(f"{url}/after-sales/{line_id}", headers=EN)
    assert form.status_code == 200
    assert "Return and refund" in text_of(form) and "Damaged" in text_of(form)


def test_an_open_order_offers_none(client, app):
    with app.app_context():
        order = order_for(published_version(), [(make_product(5), 1)])
    url = f"/o/{order.tracking_token}"
    assert "Ask for after-sales" not in text_of(client.get(url, headers=EN))
    assert client.get(f"{url}/after-sales/{order.lines[0].id}").status_code == 303


def test_asking_with_photos_shows_the_case_and_its_answer(client, done, app):
    url, line_id, _ = done
    response = ask(
        client, url, line_id, photos=[("a.jpg", photo_with_location()), ("b.png", png())]
    )
    assert response.status_code == 303
    page = client.get(url, headers=EN)
    assert "Return and refund" in text_of(page) and "Requested" in text_of(page)
    with app.app_context():
        case = AfterSalesCase.get()
        assert (case.kind, case.reason, case.preferred) == ("return_refund", "Damaged", "refund")
        photos = list(CasePhoto.select())
        assert len(photos) == 2
        stored, _ = open_image(photos[0].image)
        image = Image.open(io.BytesIO(stored))
        assert max(image.size) == 1600 and not image.getexif() and b"PhoneMaker" not in stored
        thumb, _ = open_image(photos[0].thumbnail)
        assert max(Image.open(io.BytesIO(thumb)).size) == 320
        transition_case(case, "rejected", Actor.system(), note="Please send a clearer photo")
    assert f"{url}/after-sales/photos/{photos[0].thumbnail}" in page.get_data(as_text=True)
    assert client.get(f"{url}/after-sales/photos/{photos[0].image}").status_code == 200
    assert "Please send a clearer photo" in text_of(client.get(url, headers=EN))


def test_photos_are_only_served_with_their_orders_link(client, done, app):
    url, line_id, _ = done
    ask(client, url, line_id, photos=[("a.png", png())])
    with app.app_context():
        name = CasePhoto.get().image
        other = order_for(published_version(), [(make_product(5), 1)])
    assert client.get(f"{url}/after-sales/photos/{name}").status_code == 200
    assert client.get(f"/o/{other.tracking_token}/after-sales/photos/{name}").status_code == 404
    assert client.get(f"/o/nope/after-sales/photos/{name}").status_code == 404


def bomb() -> bytes:
    """A small PNG that decodes to more pixels than Pillow allows."""
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG")
    return out.getvalue()


def real_50_mb_png() -> bytes:
    """A real PNG of 50 MB and more: noise Pillow stores uncompressed (4200 × 4200 pixels)."""
    side = 4200
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(
        out, "PNG", compress_level=0
    )
    data = out.getvalue()
    assert len(data) > 50 * 1024 * 1024 and Image.open(io.BytesIO(data)).format == "PNG"
    return data


@pytest.mark.parametrize(
    "upload",
    [
        ("shell.jpg", b"<?php system($_GET['c']); ?>"),
        ("huge.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * (50 * 1024 * 1024)),
        ("photo.png", "50-MB-png"),
        ("bomb.png", "bomb"),
    ],
    ids=["php-renamed-jpg", "50-MB", "real-50-MB-png", "decompression-bomb"],
)
def test_a_hostile_file_is_a_422_with_the_error_under_the_input(client, done, app, upload):
    url, line_id, _ = done
    name, content = upload
    content = {"bomb": bomb, "50-MB-png": real_50_mb_png}.get(content, lambda: content)()
    response = ask(client, url, line_id, photos=[(name, content)], details="kept")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="photos-error">[^<]*(PNG, JPEG|at most \d+ MB)', html), html[-3000:]
    assert "kept" in html  # typed values kept
    with app.app_context():
        assert AfterSalesCase.select().count() == 0


def test_seven_photos_are_too_many(client, done, app):
    url, line_id, _ = done
    response = ask(client, url, line_id, photos=[(f"{i}.png", png()) for i in range(7)])
    assert response.status_code == 422
    assert "at most 6 photos" in response.get_data(as_text=True)


def test_bad_fields_are_a_422_inline(client, done, app):
    url, line_id, _ = done
    response = ask(client, url, line_id, quantity="0", kind="steal", reason="Nope")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="quantity-error"' in html and 'id="kind-error"' in html
    assert 'id="reason-error"' in html
    response = ask(client, url, line_id, quantity="4")
    assert response.status_code == 422 and "Only 3 of Mooncakes" in text_of(response)


def test_the_customer_withdraws_a_request(client, done, app):
    url, line_id, _ = done
    ask(client, url, line_id)
    page = client.get(url, headers=EN).get_data(as_text=True)
    action = re.search(r'action="([^"]+/cancel)"', page).group(1)
    token = hidden_inputs(page)["csrf_token"]
    response = client.post(action, data={"csrf_token": token, "version": "1"})
    assert response.status_code == 303
    with app.app_context():
        assert AfterSalesCase.get().status == "cancelled"
    assert "Withdraw the request" not in text_of(client.get(url, headers=EN))
