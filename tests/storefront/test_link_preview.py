"""A shared /f/<slug> link previews in chat apps: Open Graph and Twitter card tags with
absolute URLs and escaped text, and a 1200×630 PNG card drawn for the activity."""

import io
import re
from datetime import timedelta
from html import unescape

import pytest
from PIL import Image

from models.activities.template import FormTemplate
from models.base import utcnow
from models.catalog.products import Product
from models.storefront import card
from tests.factories import make_activity, make_product
from tests.helpers import EN, ZH

EVIL = "Fruit <script>alert(1)</script> \"quoted\" & 'single'"


@pytest.fixture
def activity(app_context):
    apples = make_product(10, price=1250, name="Apples")
    pears = make_product(10, price=800, name="Pears")
    version = make_activity(
        [apples, pears],
        title="周五水果接龙 Friday fruit",
        description="新鲜草莓和脐橙，周六自提。\n\n" + "好吃" * 100,
        closes_at=utcnow() + timedelta(days=2),
    )
    return version.template


def meta(html: str) -> dict[str, str]:
    """{property or name: content} of the page's meta tags, as a crawler reads them."""
    found = {}
    for tag in re.findall(r"<meta\s[^>]*>", html):
        key = re.search(r'(?:property|name)="([^"]+)"', tag)
        content = re.search(r'content="([^"]*)"', tag)
        if key and content:
            found[key.group(1)] = unescape(content.group(1))
    return found


def test_the_form_page_has_open_graph_and_twitter_tags_with_absolute_urls(client, activity):
    html = client.get(f"/f/{activity.slug}?ref=7", headers=EN).get_data(as_text=True)
    tags = meta(html)

    assert tags["og:title"] == tags["twitter:title"] == "周五水果接龙 Friday fruit"
    assert tags["og:description"].startswith("新鲜草莓和脐橙，周六自提。 好吃")
    assert len(tags["og:description"]) == 120 and tags["og:description"].endswith("…")
    assert tags["og:url"] == f"http://localhost/f/{activity.slug}"
    version = activity.latest_version()
    assert tags["og:image"] == f"http://localhost/f/{activity.slug}/card.png?v={version.id}"
    assert tags["twitter:image"] == tags["og:image"]
    assert tags["twitter:card"] == "summary_large_image"
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")


def test_without_a_description_the_preview_says_the_price_from_and_the_deadline(
    client, app_context
):
    version = make_activity(
        [make_product(5, price=800), make_product(5, price=1990)],
        closes_at=utcnow() + timedelta(days=1),
    )
    tags = meta(client.get(f"/f/{version.template.slug}", headers=EN).get_data(as_text=True))
    assert tags["og:description"].startswith("From CN¥8.00 · Orders close ")


def test_an_activity_not_taking_orders_previews_too(client, activity):
    FormTemplate.update(closes_at=utcnow() - timedelta(hours=1)).where(
        FormTemplate.id == activity.id
    ).execute()
    html = client.get(f"/f/{activity.slug}", headers=EN).get_data(as_text=True)
    assert "no longer takes orders" in html
    assert meta(html)["og:title"] == "周五水果接龙 Friday fruit"
    assert meta(html)["og:image"].startswith(f"http://localhost/f/{activity.slug}/card.png?v=")


def test_a_title_with_markup_and_quotes_is_text_in_the_tags(client, activity):
    FormTemplate.update(title=EVIL, description=EVIL).where(
        FormTemplate.id == activity.id
    ).execute()
    FormTemplate.get_by_id(activity.id).publish()

    html = client.get(f"/f/{activity.slug}", headers=EN).get_data(as_text=True)

    assert "<script>alert(1)</script>" not in html
    assert 'content="Fruit &lt;script&gt;alert(1)&lt;/script&gt; &#34;quoted&#34;' in html
    tags = meta(html)
    assert tags["og:title"] == tags["og:description"] == EVIL


def png_of(response) -> Image.Image:
    assert response.status_code == 200 and response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.get_data()))
    image.load()
    return image


def test_the_card_is_a_1200_by_630_png_cached_by_its_version(client, activity):
    url = f"/f/{activity.slug}/card.png"
    response = client.get(url, headers=ZH)

    image = png_of(response)
    assert (image.format, image.size) == ("PNG", (1200, 630))
    etag = response.headers["ETag"].strip('"')
    assert etag.startswith(f"{activity.latest_version().id}-")
    assert "public" in response.headers["Cache-Control"]
    assert client.get(url, headers={**ZH, "If-None-Match": f'"{etag}"'}).status_code == 304

    FormTemplate.update(title="周六蔬菜接龙").where(FormTemplate.id == activity.id).execute()
    FormTemplate.get_by_id(activity.id).publish()
    again = client.get(url, headers={**ZH, "If-None-Match": f'"{etag}"'})

    assert again.status_code == 200 and again.headers["ETag"].strip('"') != etag
    assert png_of(again).size == (1200, 630)
    assert again.get_data() != response.get_data()


def test_the_card_is_the_same_in_any_language_and_changes_with_a_price(client, activity):
    url = f"/f/{activity.slug}/card.png"
    first = client.get(url, headers=EN)
    assert client.get(url, headers=ZH).headers["ETag"] == first.headers["ETag"]
    assert client.get(url, headers=ZH).get_data() == first.get_data()

    Product.update(price=500).where(Product.name == "Pears").execute()

    assert client.get(url, headers=EN).headers["ETag"] != first.headers["ETag"]


def test_an_unknown_or_odd_slug_has_no_card(client, app_context):
    for slug in ("nope", "a%20b", "..%2F..%2Fetc", "x" * 300, "%E2%80%AE"):
        assert client.get(f"/f/{slug}/card.png").status_code == 404, slug


def test_without_the_cjk_font_the_card_is_still_drawn(client, activity, monkeypatch, tmp_path):
    monkeypatch.setattr(card, "FONT_DIR", tmp_path)
    card.font.cache_clear()
    card._drawn.cache_clear()
    try:
        image = png_of(client.get(f"/f/{activity.slug}/card.png", headers=ZH))
    finally:
        card.font.cache_clear()
        card._drawn.cache_clear()
    assert image.size == (1200, 630)


def test_long_titles_wrap_into_three_lines_at_most():
    face = card.font("bold", 72)
    lines = card.wrap("接龙" * 60, face, 1040, card.TITLE_LINES)
    assert len(lines) == 3 and lines[-1].endswith("…")
    assert all(face.getlength(line) <= 1040 for line in lines)
    words = card.wrap("Fresh strawberries from the hills", face, 1040, 3)
    assert " ".join(words) == "Fresh strawberries from the hills"
