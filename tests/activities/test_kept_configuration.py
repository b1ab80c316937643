"""What a worker keeps of an activity between requests (models/config_cache.py) is never
stale: every change to the tables it comes from, by the app or by hand-written SQL on another
connection, shows on the next request; placing orders leaves it kept."""

import psycopg2
import pytest

from models.config_cache import generation
from models.db import db, is_postgres
from models.orders.order import Order
from tests.factories import make_activity, make_product, order_for
from tests.helpers import EN, hidden_inputs, sql_statements


@pytest.fixture
def activity(app):
    with app.app_context():
        apples = make_product(100, price=990, name="Apples")
        version = make_activity([apples])
    return {"slug": version.template.slug, "version": version, "apples": apples}


def by_hand(database_url: str, statement: str) -> None:
    """`statement` from a connection of its own, as a DBA's fix or a script would run it."""
    if is_postgres():
        connection = psycopg2.connect(database_url.replace("postgresql+pool", "postgresql"))
    else:
        import sqlite3

        connection = sqlite3.connect(database_url.removeprefix("sqlite:///"))
    with connection:
        connection.cursor().execute(statement)
    connection.close()


def test_a_price_changed_by_hand_shows_on_the_next_page_and_order(
    app, client, activity, database_url
):
    assert "9.90" in client.get(f"/f/{activity['slug']}", headers=EN).get_data(as_text=True)

    by_hand(database_url, f"UPDATE product SET price = 1290 WHERE id = {activity['apples'].id}")

    html = client.get(f"/f/{activity['slug']}", headers=EN).get_data(as_text=True)
    assert "12.90" in html and "9.90" not in html
    data = {
        **hidden_inputs(html),
        "name": "Li",
        "phone": "13800138000",
        f"items-{activity['apples'].id}": "2",
    }
    response = client.post(f"/f/{activity['slug']}", data=data, headers=EN)
    assert response.status_code == 303
    assert "25.80" in client.get(response.headers["Location"], headers=EN).get_data(as_text=True)


def test_an_activity_closed_by_hand_takes_no_order(app, client, activity, database_url):
    html = client.get(f"/f/{activity['slug']}", headers=EN).get_data(as_text=True)
    by_hand(database_url, "UPDATE form_template SET status = 'archived'")

    data = {
        **hidden_inputs(html),
        "name": "Li",
        "phone": "13800138000",
        f"items-{activity['apples'].id}": "1",
    }
    response = client.post(f"/f/{activity['slug']}", data=data, headers=EN)

    assert response.status_code == 422
    assert "This activity is not taking orders now." in response.get_data(as_text=True)
    with app.app_context(), db.connection_context():
        assert Order.select().count() == 0


def test_placing_orders_keeps_what_is_kept(app, activity):
    with app.app_context():
        with db.connection_context():
            before = generation()
        for i in range(3):
            order_for(activity["version"], [(activity["apples"], 1)], phone=f"1380013800{i}")
        with db.connection_context():
            assert generation() == before


def test_an_order_form_request_checks_the_configuration_once(app, client, activity):
    """The form page and the submit change no configuration: the number that says whether
    what is kept still holds is read once a request, however many kept parts the request uses
    (it used to be six times a submit)."""
    slug = activity["slug"]
    with sql_statements() as page_reads:
        html = client.get(f"/f/{slug}", headers=EN).get_data(as_text=True)
    data = {**hidden_inputs(html), "name": "Li", "phone": "13800138000"}
    data[f"items-{activity['apples'].id}"] = "1"
    with sql_statements() as submit_reads:
        assert client.post(f"/f/{slug}", data=data, headers=EN).status_code == 303

    for statements in (page_reads, submit_reads):
        assert sum("config_generation" in sql for sql in statements) == 1, statements
