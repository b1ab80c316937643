"""Rating photos on the activity's public page: small thumbnails loaded lazily, served to anyone
only while the rating is shown there (the form's show_ratings on, among the newest shown)."""

import pytest

from models.activities.template import FormTemplate
from models.aftersales.requests import keep_photos
from models.ratings import queries
from models.ratings.giving import rate_order
from tests.factories import make_product, order_for, published_version
from tests.helpers import EN
from tests.payments.images import png
from tests.ratings.conftest import complete


def show_ratings(template_id: int, on: bool) -> None:
    template = FormTemplate.get_by_id(template_id)
    template.draft = {**template.draft, "settings": {"show_ratings": on}}
    template.save()
    template.publish()


@pytest.fixture
def public(app):
    """A rated order with a photo on an activity that shows its ratings: (slug, photo, id)."""
    with app.app_context():
        version = published_version()
        order = complete(order_for(version, [(make_product(9), 1)], name="Alice Wong"))
        rating = rate_order(order, stars=5, comment="Lovely", photos=keep_photos([png()]))
        show_ratings(version.template_id, True)
        return version.template.slug, rating.photos[0], version.template_id


def test_the_public_page_shows_lazy_thumbnails_served_to_anyone(client, public):
    slug, photo, _ = public
    html = client.get(f"/f/{slug}", headers=EN).get_data(as_text=True)
    thumb = f"/f/{slug}/ratings/photos/{photo.thumbnail}"
    assert f'src="{thumb}"' in html and 'loading="lazy"' in html and 'width="64"' in html
    assert f'href="/f/{slug}/ratings/photos/{photo.image}"' in html
    response = client.get(thumb)  # nobody signed in
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/f/{slug}/ratings/photos/{photo.image}").status_code == 200


def test_photos_are_private_when_the_rating_is_not_shown(client, public, app, monkeypatch):
    slug, photo, template_id = public
    url = f"/f/{slug}/ratings/photos/{photo.thumbnail}"
    with app.app_context():
        other = published_version()
    assert (
        client.get(f"/f/{other.template.slug}/ratings/photos/{photo.thumbnail}").status_code == 404
    )
    assert client.get(f"/f/nope/ratings/photos/{photo.thumbnail}").status_code == 404
    assert client.get(f"/f/{slug}/ratings/photos/x{photo.thumbnail}").status_code == 404
    monkeypatch.setattr(queries, "PUBLIC_SIZE", 1)
    with app.app_context():
        version = FormTemplate.get_by_id(template_id).latest_version()
        newer = complete(order_for(version, [(make_product(9), 1)], name="Bo"))
        rate_order(newer, stars=4)
    assert client.get(url).status_code == 404  # no longer among the ratings shown
    monkeypatch.setattr(queries, "PUBLIC_SIZE", 10)
    assert client.get(url).status_code == 200
    with app.app_context():
        show_ratings(template_id, False)
    assert client.get(url).status_code == 404
    assert photo.thumbnail not in client.get(f"/f/{slug}", headers=EN).get_data(as_text=True)
