"""The 接龙 list at length: the order form shows its tail and the counts, the list page pages
through it by keyset; numbers, masks and cancellations stay right across pages."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.orders.lifecycle import Actor, transition_order
from models.orders.status import OrderStatus
from models.storefront.chain import LATEST, PAGE
from tests.factories import make_activity, make_product, order_for
from tests.helpers import EN

ORDERS = PAGE + 7


def positions(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<span class="who">(\d+)\. ', html)]


def next_link(html: str) -> str | None:
    found = re.search(r'<a href="([^"]+)" rel="next">', html)
    return found.group(1).replace("&amp;", "&") if found else None


def long_chain(app):
    with app.app_context():
        product = make_product(10_000, price=500, name="Pears")
        version = make_activity([product], settings={"show_chain_list": True})
        orders = [
            order_for(version, [(product, 1 + i % 3)], name=f"Buyer{i}", phone=f"1380000{i:04d}")
            for i in range(ORDERS)
        ]
        transition_order(orders[3], OrderStatus.CANCELLED, Actor.system())
    return version.template.slug


def test_the_form_shows_the_latest_entries_and_the_counts(app, client):
    slug = long_chain(app)

    html = client.get(f"/f/{slug}", headers=EN).get_data(as_text=True)

    standing = ORDERS - 1  # one cancelled
    assert f"People: {standing} · Orders: {standing}" in html
    assert positions(html) == list(range(standing - LATEST + 1, standing + 1))
    assert f"See the whole list ({standing} orders)" in html
    assert "B**" in html and "Buyer" not in html  # names masked


def test_the_list_pages_through_every_entry_once_in_joining_order(app, client):
    slug = long_chain(app)

    first = client.get(f"/f/{slug}/list", headers=EN).get_data(as_text=True)
    assert positions(first) == list(range(1, PAGE + 1))
    assert "Totals" in first and "Pears <strong>×" in first
    second = client.get(next_link(first), headers=EN).get_data(as_text=True)

    assert positions(second) == list(range(PAGE + 1, ORDERS))
    assert next_link(second) is None
    assert "Back to the start of the list" in second


def test_the_form_polls_its_own_tail_not_the_whole_list(app, client):
    slug = long_chain(app)
    html = client.get(f"/f/{slug}", headers=EN).get_data(as_text=True)
    poll = re.search(r'id="chain"[^>]*hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")

    fragment = client.get(poll, headers={**EN, "HX-Request": "true"}).get_data(as_text=True)

    assert len(positions(fragment)) == LATEST
    again = re.search(r'hx-get="([^"]+)"', fragment).group(1).replace("&amp;", "&")
    assert client.get(again, headers={**EN, "HX-Request": "true"}).status_code == 204


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    after=st.text(st.characters(exclude_characters="\x00"), max_size=40)
    | st.from_regex(r"\d{1,12}\.\d{1,20}", fullmatch=True)
)
def test_any_cursor_gives_a_page_never_an_error(app, client, after):
    """(A NUL anywhere is refused with 400 before any page: tests/house/test_odd_input.py.)"""
    slug = getattr(app, "_chain_slug", None)
    if slug is None:
        with app.app_context():
            product = make_product(100, name="Figs")
            version = make_activity([product], settings={"show_chain_list": True})
            for i in range(3):
                order_for(version, [(product, 1)], name=f"F{i}", phone=f"1390000{i:04d}")
        slug = app._chain_slug = version.template.slug

    response = client.get(f"/f/{slug}/list", query_string={"after": after}, headers=EN)

    assert response.status_code == 200
    assert positions(response.get_data(as_text=True))  # a page of the list, whatever was sent
