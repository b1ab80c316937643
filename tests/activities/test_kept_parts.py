"""The parts of the order form written once per publication and locale (the `kept` blocks,
blueprints/rendering.py KeptParts; issue 22) are never stale: a product renamed by hand shows
on the next view, in its name, its photo's text and its − and + buttons; the stock, the
language and a line's error are the request's own."""

import re

import pytest

from tests.activities.test_kept_configuration import by_hand
from tests.factories import make_activity, make_product
from tests.helpers import EN, ZH, hidden_inputs


@pytest.fixture
def activity(app):
    with app.app_context():
        apples = make_product(100, price=990, name="Apples")
        pears = make_product(3, price=500, name="Pears")
        version = make_activity([apples, pears])
    return {"slug": version.template.slug, "apples": apples.id, "pears": pears.id}


def line_of(html: str, pid: int) -> str:
    """The product line of product `pid`: its name, price, stock badge and buttons."""
    start = html.index(f'<label class="product-name" for="items-{pid}">')
    return html[start : html.index(f'id="items-{pid}-error"', start)]


def test_a_product_renamed_by_hand_shows_everywhere_on_its_line(client, activity, database_url):
    assert "Apples" in line_of(
        client.get(f"/f/{activity['slug']}", headers=EN).get_data(True), activity["apples"]
    )

    by_hand(
        database_url, f"UPDATE product SET name = 'Green apples' WHERE id = {activity['apples']}"
    )

    line = line_of(
        client.get(f"/f/{activity['slug']}", headers=EN).get_data(True), activity["apples"]
    )
    assert "<span>Green apples</span>" in line
    assert 'aria-label="One less Green apples"' in line
    assert 'aria-label="One more Green apples"' in line
    assert "Apples" not in line.replace("Green apples", "")


def test_the_stock_badge_is_read_on_every_view(client, activity, database_url):
    line = line_of(
        client.get(f"/f/{activity['slug']}", headers=EN).get_data(True), activity["pears"]
    )
    assert "Only 3 left" in line

    by_hand(database_url, f"UPDATE stock SET on_hand = 0 WHERE product_id = {activity['pears']}")

    html = client.get(f"/f/{activity['slug']}", headers=EN).get_data(True)
    assert "Sold out" in line_of(html, activity["pears"])
    assert "Only 3 left" not in html
    assert re.search(r'class="product-line[^"]*is-sold-out[^"]*"', html)


def test_each_language_gets_its_own_words(client, activity):
    english = client.get(f"/f/{activity['slug']}", headers=EN).get_data(True)
    chinese = client.get(f"/f/{activity['slug']}", headers=ZH).get_data(True)
    again = client.get(f"/f/{activity['slug']}", headers=EN).get_data(True)

    assert 'aria-label="One more Apples"' in line_of(english, activity["apples"])
    assert "One more" not in line_of(chinese, activity["apples"])
    assert line_of(again, activity["apples"]) == line_of(english, activity["apples"])


def test_a_line_that_ran_short_is_marked_and_the_next_view_is_clean(client, activity):
    html = client.get(f"/f/{activity['slug']}", headers=EN).get_data(True)
    data = {
        **hidden_inputs(html),
        "name": "Li",
        "phone": "13800138000",
        f"items-{activity['pears']}": "5",
    }
    response = client.post(f"/f/{activity['slug']}", data=data, headers=EN)
    assert response.status_code == 422
    short = line_of(response.get_data(True), activity["pears"])
    assert 'aria-invalid="true"' in short and 'value="5"' in short

    clean = line_of(
        client.get(f"/f/{activity['slug']}", headers=EN).get_data(True), activity["pears"]
    )
    assert "aria-invalid" not in clean and 'value=""' in clean
