"""Staff's ratings page (/board/ratings): newest first, by stars, in keyset pages; the shop's
one reply (a second attempt is a 409 that says so, two staff at once reply once); and the
ratings on the activity's public page when its form shows them, the name masked."""

import re

import pytest

from models.activities.template import FormTemplate
from models.audit.log import AuditEntry
from models.ratings import queries
from models.ratings.giving import rate_order
from models.ratings.rating import Rating
from models.ratings.replying import AlreadyReplied, reply_to_rating
from tests.factories import make_product, order_for, published_version
from tests.helpers import EN, HTMX, csrf_token_from, make_user, race, text_of
from tests.ratings.conftest import complete


@pytest.fixture
def rated(app):
    """Five rated orders, stars 1 to 5 in that order (the 5 is the newest): their ratings."""
    with app.app_context():
        version = published_version()
        product = make_product(50, name="Tea")
        ratings = []
        for stars in (1, 2, 3, 4, 5):
            order = complete(order_for(version, [(product, 1)], name=f"Customer {stars}"))
            ratings.append(rate_order(order, stars=stars, comment=f"words {stars}"))
        return ratings


def comments(response) -> list[str]:
    return re.findall(r"words \d", response.get_data(as_text=True))


def test_staff_see_ratings_newest_first_and_filter_by_stars(client, staff, login, rated):
    login(staff)
    page = client.get("/board/ratings", headers=EN)
    assert page.status_code == 200
    assert comments(page) == [f"words {n}" for n in (5, 4, 3, 2, 1)]
    assert "Average: 3.0 of 5 stars" in text_of(page)
    two = client.get("/board/ratings?stars=2", headers=EN)
    assert comments(two) == ["words 2"]
    part = client.get("/board/ratings?stars=5", headers=HTMX)
    assert comments(part) == ["words 5"] and "<html" not in part.get_data(as_text=True)


def test_pages_follow_a_keyset_cursor(client, staff, login, rated, monkeypatch):
    monkeypatch.setattr(queries.ratings_page, "__defaults__", (None, None, 2))
    login(staff)
    seen, url = [], "/board/ratings"
    while url:
        page = client.get(url, headers=EN)
        seen += comments(page)
        more = re.search(r'href="(/board/ratings\?older_than=\d+)"', page.get_data(as_text=True))
        url = more.group(1) if more else None
    assert seen == [f"words {n}" for n in (5, 4, 3, 2, 1)]


def test_the_shop_replies_once_and_the_customer_sees_it(client, staff, login, rated, app):
    login(staff)
    rating = rated[0]
    field = f"rating-{rating.id}-reply"
    token = csrf_token_from(client, "/board/ratings")
    url = f"/board/ratings/{rating.id}/reply"
    sent = client.post(url, data={"csrf_token": token, field: "Sorry, a new box is coming"})
    assert sent.status_code == 303
    again = client.post(url, data={"csrf_token": token, field: "Second try"}, headers=EN)
    assert again.status_code == 409
    assert "already replied to this rating; a rating gets one reply" in text_of(again)
    assert "Sorry, a new box is coming" in text_of(again)
    with app.app_context():
        saved = Rating.get_by_id(rating.id)
        assert (saved.reply, saved.replied_by_id) == ("Sorry, a new box is coming", staff.id)
        assert AuditEntry.get(AuditEntry.kind == "rating.replied").actor_id == staff.id
        tracking = f"/o/{saved.order.tracking_token}"
    assert "Sorry, a new box is coming" in text_of(client.get(tracking, headers=EN))


def test_an_empty_reply_is_a_422_under_the_field(client, staff, login, rated):
    login(staff)
    rating = rated[0]
    token = csrf_token_from(client, "/board/ratings")
    response = client.post(
        f"/board/ratings/{rating.id}/reply",
        data={"csrf_token": token, f"rating-{rating.id}-reply": "  "},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert f'id="rating-{rating.id}-reply-error">Write a reply.' in response.get_data(as_text=True)


def test_two_staff_replying_at_once_reply_once(app, rated):
    with app.app_context():
        people = [make_user("staff", f"s{i}@example.com") for i in range(4)]
    rating_id = rated[0].id
    results = race(app, 4, lambda i: reply_to_rating(rating_id, people[i], f"reply {i}").reply)
    outcomes = sorted(outcome for outcome, _ in results)
    assert outcomes == ["AlreadyReplied"] * 3 + ["ok"], results
    with app.app_context():
        (winner,) = [value for outcome, value in results if outcome == "ok"]
        assert Rating.get_by_id(rating_id).reply == winner
        with pytest.raises(AlreadyReplied):
            reply_to_rating(rating_id, people[0], "late")


def test_the_public_page_shows_ratings_only_when_the_form_says_so(client, app):
    with app.app_context():
        version = published_version()
        order = complete(order_for(version, [(make_product(9), 1)], name="Alice Wong"))
        rate_order(order, stars=5, comment="Lovely tea")
        slug = version.template.slug
        template_id = version.template_id
    page = client.get(f"/f/{slug}", headers=EN)
    assert "Lovely tea" not in text_of(page)  # off by default
    with app.app_context():
        template = FormTemplate.get_by_id(template_id)
        template.draft = {**template.draft, "settings": {"show_ratings": True}}
        template.save()
        template.publish()
    shown = text_of(client.get(f"/f/{slug}", headers=EN))
    assert "What customers say" in shown and "Lovely tea" in shown
    assert "A**" in shown and "Alice Wong" not in shown
