"""Customers racing through the real ordering page (HTTP, real threads, real database).

Setup runs in a short app context of its own: a context left pushed would make every test
client share one `g`, and with it one CSRF token, as no real browser would.
"""

from collections import Counter as Tally

from models.catalog.products import Stock
from models.orders.order import Order
from tests.factories import make_activity, make_product, order_for, stock_of
from tests.helpers import EN, hidden_inputs, race


def open_forms(app, slug: str, count: int) -> list[tuple[object, dict]]:
    """`count` customers, each with their own browser session and a filled-in page."""
    customers = []
    for _ in range(count):
        client = app.test_client()
        html = client.get(f"/f/{slug}", headers=EN).get_data(as_text=True)
        customers.append((client, hidden_inputs(html)))
    return customers


def submit(client, slug, data):
    response = client.post(f"/f/{slug}", data=data, headers=EN)
    return response.status_code, response.headers.get("Location"), response.get_data(as_text=True)


def test_fifty_customers_for_the_last_ten_units_make_exactly_ten_orders(app):
    with app.app_context():
        product = make_product(10, price=990, name="Last cherries")
        slug = make_activity([product]).template.slug
    customers = open_forms(app, slug, 50)

    def order(i):
        client, hidden = customers[i]
        data = {
            **hidden,
            "name": f"Buyer {i}",
            "phone": f"1380013{i:04d}",
            f"items-{product.id}": "1",
        }
        return submit(client, slug, data)

    results = race(app, 50, order)

    statuses = Tally(value[0] for outcome, value in results if outcome == "ok")
    assert statuses == {303: 10, 422: 40}, [r for r in results if r[0] != "ok"][:3]
    refused = [value[2] for _, value in results if value[0] == 422]
    assert all("Sold out in the meantime" in page for page in refused)
    with app.app_context():
        assert Order.select().count() == 10
        stock = stock_of(product)
        assert (stock.on_hand, stock.reserved) == (10, 10)
        assert Stock.get_by_id(stock.id).available == 0


def test_twenty_customers_for_a_slot_with_three_places_make_three_bookings(app):
    slot = {
        "name": "slot",
        "type": "time_slot",
        "label": "When",
        "required": True,
        "slots": [{"id": "sat-am", "label": "Sat 9-11", "capacity": 3}],
    }
    with app.app_context():
        service = make_product(None, price=12000, name="Cleaning")
        slug = make_activity([service], kind="service", extra_fields=[slot]).template.slug
    customers = open_forms(app, slug, 20)

    def book(i):
        client, hidden = customers[i]
        data = {
            **hidden,
            "name": f"Home {i}",
            "phone": f"1390013{i:04d}",
            f"items-{service.id}": "1",
            "slot": "sat-am",
        }
        return submit(client, slug, data)

    results = race(app, 20, book)

    statuses = Tally(value[0] for outcome, value in results if outcome == "ok")
    assert statuses == {303: 3, 422: 17}, [r for r in results if r[0] != "ok"][:3]
    assert all(
        "This time slot has just been fully booked." in value[2]
        for _, value in results
        if value[0] == 422
    )
    with app.app_context():
        assert Order.select().count() == 3


def test_ten_identical_submissions_of_one_form_make_one_order(app):
    with app.app_context():
        product = make_product(50, name="Apples")
        slug = make_activity([product]).template.slug
    [(first, hidden)] = open_forms(app, slug, 1)
    session = first.get_cookie("session")
    data = {**hidden, "name": "Wang", "phone": "13800138000", f"items-{product.id}": "2"}

    def tap(_):
        client = app.test_client()
        client.set_cookie(session.key, session.value)
        return submit(client, slug, data)

    results = race(app, 10, tap)

    assert all(outcome == "ok" for outcome, _ in results), results[:2]
    assert {value[0] for _, value in results} == {303}
    assert len({value[1] for _, value in results}) == 1  # everyone lands on the same order
    with app.app_context():
        assert Order.select().count() == 1
        assert stock_of(product).reserved == 2


PLACERS, LOADERS, LOADS = 3, 6, 20


def test_the_list_and_the_form_never_fail_while_orders_are_placed(app):
    """Customers load the 接龙 list and the form (which shows the list) while others order as
    fast as they can: every page is whole (an order committing between two reads of one page
    used to be a 500)."""
    with app.app_context():
        product = make_product(100_000, price=990, name="Apples")
        version = make_activity([product], settings={"show_chain_list": True})
        slug = version.template.slug
    loaded = []  # one entry per customer done loading

    def place_orders(i):
        placed = 0
        while len(loaded) < LOADERS or placed == 0:
            order_for(version, [(product, 1)], name=f"Buyer {i}")
            placed += 1
        return placed

    def load_pages(_):
        client = app.test_client()
        try:
            return [
                client.get(url, headers=EN).status_code
                for _ in range(LOADS // 2)
                for url in (f"/f/{slug}/list", f"/f/{slug}")
            ]
        finally:
            loaded.append(True)

    results = race(
        app, PLACERS + LOADERS, lambda i: (place_orders if i < PLACERS else load_pages)(i)
    )

    failed = [value for outcome, value in results if outcome != "ok"]
    assert failed == []
    assert [s for _, statuses in results[PLACERS:] for s in statuses] == [200] * LOADERS * LOADS
    with app.app_context():
        assert Order.select().count() == sum(placed for _, placed in results[:PLACERS])
