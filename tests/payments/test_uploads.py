"""models/uploads.py: only real images are kept, re-encoded, small enough, without EXIF."""

import io

import pytest
from PIL import Image

from models.uploads import BadImage, open_image, read_upload, save_image
from tests.payments.images import photo_with_location, png


def test_an_image_is_kept_under_an_unguessable_name(app_context):
    name = save_image(png())
    other = save_image(png())
    assert name != other and len(name) > 30 and name.endswith(".png")
    data, content_type = open_image(name)
    assert content_type == "image/png"
    assert Image.open(io.BytesIO(data)).size == (120, 120)


def test_a_photo_loses_its_exif_and_shrinks(app_context):
    name = save_image(photo_with_location())
    data, content_type = open_image(name)
    image = Image.open(io.BytesIO(data))
    assert content_type == "image/jpeg"
    assert max(image.size) == 1600
    assert not image.getexif()
    assert b"PhoneMaker" not in data


def test_max_side_is_the_callers(app_context):
    data, _ = open_image(save_image(png(800, 400), max_side=200))
    assert Image.open(io.BytesIO(data)).size == (200, 100)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not an image at all",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 50,  # a PNG signature and nothing valid
        png()[:60],  # cut short
        b"<svg xmlns='http://www.w3.org/2000/svg'></svg>",
    ],
)
def test_what_is_not_an_image_is_refused(app_context, data):
    with pytest.raises(BadImage):
        save_image(data)


def test_a_decompression_bomb_is_refused(app_context, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100 * 100)
    with pytest.raises(BadImage):
        save_image(png(200, 200))


def test_a_file_over_the_limit_is_refused(app_context):
    app_context.config["UPLOAD_MAX_BYTES"] = 1024 * 1024
    with pytest.raises(BadImage, match="1 MB"):
        save_image(photo_with_location() + b"\x00" * (1024 * 1024))


@pytest.mark.parametrize("name", ["", "../secret_key", "x.png", "a" * 30 + ".svg"])
def test_only_names_given_out_are_opened(app_context, name):
    assert open_image(name) is None


def test_an_upload_is_read_only_one_byte_past_the_limit(app_context):
    app_context.config["UPLOAD_MAX_BYTES"] = 1000
    assert len(read_upload(io.BytesIO(b"x" * 5000))) == 1001
