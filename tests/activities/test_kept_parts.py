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


SHELF = [
    {"name": "intro", "type": "heading", "label": "Before you order"},
    {"name": "size", "type": "choice", "label": "Box size", "options": ["small", "large"]},
    {"name": "agree", "type": "consent", "label": "I agree to the terms"},
]


@pytest.fixture
def shelf(app):
    """Products at every stock state the badges tell apart, and fields of most kinds."""
    with app.app_context():
        products = [
            make_product(0, price=100, name="Gone"),
            make_product(2, price=200, name="Scarce"),
            make_product(80, price=300, name="Plenty"),
            make_product(None, price=400, name="Made to order"),
        ]
        version = make_activity(products, extra_fields=SHELF)
    return {"slug": version.template.slug, "ids": [p.id for p in products]}


def without_tokens(html: str) -> str:
    """The page less what is each view's own: the CSRF token and the checkout key."""
    for name in ("csrf_token", "checkout-key"):
        html = html.replace(hidden_inputs(html)[name], "")
    return html


@pytest.mark.parametrize("headers", [EN, ZH], ids=["en", "zh"])
def test_a_kept_form_reads_as_one_written_anew(client, shelf, headers, monkeypatch):
    url = f"/f/{shelf['slug']}"
    first, kept = (client.get(url, headers=headers).get_data(True) for _ in range(2))

    from blueprints.kept_parts import KeptParts

    monkeypatch.setattr(KeptParts, "_kept", staticmethod(lambda *args, caller: caller()))
    written_anew = client.get(url, headers=headers).get_data(True)

    assert without_tokens(kept) == without_tokens(written_anew) == without_tokens(first)
    gone, scarce, plenty, made = shelf["ids"]
    assert re.search(
        rf'class="product-line is-sold-out">\s*<label class="product-name" for="items-{gone}"', kept
    )
    assert f'id="stock-{scarce}"><span class="badge low">' in kept
    assert f'id="stock-{plenty}"><span class="badge">' in kept
    assert f'id="stock-{made}"></span>' in kept


def test_a_returning_customers_name_and_phone_are_theirs_alone(app, client, activity):
    url = f"/f/{activity['slug']}"
    html = client.get(url, headers=EN).get_data(True)
    data = {**hidden_inputs(html), "name": "Li Wei", "phone": "13800138000"}
    placed = client.post(url, data={**data, f"items-{activity['apples']}": "1"}, headers=EN)
    assert placed.status_code == 303

    theirs = client.get(url, headers=EN).get_data(True)
    someone_new = app.test_client().get(url, headers=EN).get_data(True)
    theirs_again = client.get(url, headers=EN).get_data(True)

    assert 'value="Li Wei"' in theirs and 'value="Li Wei"' in theirs_again
    assert "Li Wei" not in someone_new and "138" not in someone_new


def test_a_time_slots_places_are_read_on_every_view(client, database_url, app):
    with app.app_context():
        cleaning = make_product(None, price=12000, name="Cleaning")
        slot = {
            "name": "slot",
            "type": "time_slot",
            "label": "When",
            "slots": [{"id": "mon-am", "label": "Mon 9-11", "capacity": 2}],
        }
        version = make_activity([cleaning], kind="service", extra_fields=[slot])
    url = f"/f/{version.template.slug}"
    assert "2 places left" in client.get(url, headers=EN).get_data(True)

    html = client.get(url, headers=EN).get_data(True)
    data = {**hidden_inputs(html), "name": "Zhao", "phone": "13800138002"}
    booked = client.post(
        url, data={**data, f"items-{cleaning.id}": "1", "slot": "mon-am"}, headers=EN
    )
    assert booked.status_code == 303

    assert "1 place left" in client.get(url, headers=EN).get_data(True)


def test_a_kept_block_is_written_once_and_its_holes_every_time(app):
    template = app.jinja_env.from_string(
        "{% macro badge(left) %}[{{ left }}]{% endmacro %}"
        "{% kept store, 'line', stock %}<b>{{ name }}</b>{{ hole(badge, stock, 1) }}{% endkept %}"
    )
    store = {}
    with app.test_request_context():
        assert template.render(store=store, stock={1: 5}, name="Pears") == "<b>Pears</b>[5]"
        assert template.render(store=store, stock={1: 0}, name="Plums") == "<b>Pears</b>[0]"
        assert template.render(store=None, stock={1: 0}, name="Plums") == "<b>Plums</b>[0]"
    assert len(store) == 1


def test_a_hole_reads_the_values_its_kept_block_names(app):
    from jinja2 import TemplateRuntimeError

    template = app.jinja_env.from_string(
        "{% macro badge(left) %}[{{ left }}]{% endmacro %}"
        "{% kept store, 'line', stock %}{{ hole(badge, other, 1) }}{% endkept %}"
    )
    with app.test_request_context(), pytest.raises(TemplateRuntimeError, match="hole reads"):
        template.render(store={}, stock={1: 5}, other={1: 5})
