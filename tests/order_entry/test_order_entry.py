"""Staff enter an order for a customer (/board/enter): placed through checkout with its stock
held, the source and channel kept and shown on the staff order page, a double submit one order
(one after the other and at once), refusals and bad input answered with 422 and nothing placed,
and the source of orders that came by the link, a leader's link or a chat import."""

import re

import pytest

from models.activities.pickup import PickupPoint
from models.catalog import stock
from models.catalog.products import Product, Warehouse
from models.catalog.variants import VariantDetails, make_family
from models.leaders.leader import attribute
from models.orders.order import Order, OrderEvent, OrderLine
from models.staff_entry.entry import Contact, StaffEntry, enter_order, source_of
from tests.factories import make_activity, make_product, make_shop, order_for
from tests.helpers import csrf_token_from, hidden_inputs, race, text_of


@pytest.fixture
def fruit(app_context):
    return make_shop(
        products={
            "strawberries": {"on_hand": 5, "price": 2500, "name": "Strawberries"},
            "oranges": {"on_hand": 10, "price": 800, "name": "Oranges"},
        },
        points={"north": {"name": "North gate", "address": "1 North Rd"}},
    )


def available(product):
    return stock.available(product.id, Warehouse.default().id)


@pytest.fixture
def as_staff(client, english, staff, login):
    login(staff)
    return client


def entry_page(client, slug):
    response = client.get(f"/board/enter?activity={slug}")
    assert response.status_code == 200
    return hidden_inputs(response.get_data(as_text=True))


def fill(fruit, hidden, **changes):
    return {
        **hidden,
        "channel": "phone",
        "phone": "13800138000",
        "name": "Grandma Li",
        f"qty-{fruit['strawberries'].id}": "2",
        f"qty-{fruit['oranges'].id}": "",
        "fulfilment": str(fruit["north"].id),
        **changes,
    }


def test_staff_enter_a_phoned_order_that_holds_stock_and_shows_where_it_came_from(
    as_staff, fruit, staff
):
    slug = fruit["version"].template.slug
    chooser = as_staff.get("/board/enter")
    assert chooser.status_code == 200 and fruit["version"].template.title in text_of(chooser)

    hidden = entry_page(as_staff, slug)
    placed = as_staff.post("/board/enter", data=fill(fruit, hidden))

    assert placed.status_code == 303
    order = Order.get()
    assert placed.headers["Location"].endswith(f"/board/orders/{order.number}")
    assert (order.source, order.customer.name, order.customer.phone) == (
        "staff",
        "Grandma Li",
        "+8613800138000",
    )
    assert order.pickup_point_id == fruit["north"].id and order.total == 5000
    assert [(line.name, line.quantity) for line in OrderLine.select()] == [("Strawberries", 2)]
    assert available(fruit["strawberries"]) == 3
    page = text_of(as_staff.get(placed.headers["Location"]))
    assert "Entered by staff · Phone call · by " + staff.name in page
    assert "Entered the order for the customer (Phone call)" in page


def test_a_second_submit_of_the_same_page_is_the_same_order(as_staff, fruit):
    hidden = entry_page(as_staff, fruit["version"].template.slug)
    first = as_staff.post("/board/enter", data=fill(fruit, hidden))
    again = as_staff.post("/board/enter", data=fill(fruit, hidden))

    assert first.headers["Location"] == again.headers["Location"]
    assert Order.select().count() == 1 and StaffEntry.select().count() == 1
    assert available(fruit["strawberries"]) == 3


def test_two_submits_at_once_place_one_order_with_one_entry(app, fruit, staff):
    template, version = fruit["version"].template, fruit["version"]

    def submit(_):
        order, created = enter_order(
            template,
            version,
            by=staff,
            channel="walk_in",
            contact=Contact("Walk-in Wang", "13900139000"),
            quantities={fruit["strawberries"].id: 1},
            fulfilment=str(fruit["north"].id),
            submission_key="same-page",
        )
        return order.id, created

    results = race(app, 3, submit)

    assert [outcome for outcome, _ in results] == ["ok", "ok", "ok"], results
    assert len({value[0] for _, value in results}) == 1
    assert sorted(value[1] for _, value in results) == [False, False, True]
    assert StaffEntry.select().count() == 1
    assert OrderEvent.select().where(OrderEvent.kind == "entered").count() == 1
    assert available(fruit["strawberries"]) == 4


def test_more_than_the_stock_is_refused_beside_the_line_and_places_nothing(as_staff, fruit):
    hidden = entry_page(as_staff, fruit["version"].template.slug)
    oranges = f"qty-{fruit['oranges'].id}"

    refused = as_staff.post("/board/enter", data=fill(fruit, hidden, **{oranges: "11"}))

    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert re.search(rf'id="{oranges}-error">Only 10 left', body)
    assert 'value="Grandma Li"' in body  # what was typed stays
    assert Order.select().count() == 0 and StaffEntry.select().count() == 0
    assert (available(fruit["strawberries"]), available(fruit["oranges"])) == (5, 10)


def test_missing_and_bad_fields_are_422_with_the_error_beside_them(as_staff, fruit):
    hidden = entry_page(as_staff, fruit["version"].template.slug)
    strawberries = f"qty-{fruit['strawberries'].id}"

    bad = as_staff.post(
        "/board/enter",
        data=fill(fruit, hidden, phone="12", name="", channel="fax", **{strawberries: "-1"}),
    )

    assert bad.status_code == 422
    body = bad.get_data(as_text=True)
    assert re.search(r'id="phone-error">Enter a valid phone number', body)
    assert re.search(r"id=\"name-error\">Enter the customer&#39;s name", body)
    assert 'id="channel-error"' in body and f'id="{strawberries}-error"' in body
    huge = as_staff.post("/board/enter", data=fill(fruit, hidden, **{strawberries: "9" * 400}))
    assert (
        huge.status_code == 422 and f'id="{strawberries}-error">Enter a whole number' in huge.text
    )
    empty = as_staff.post("/board/enter", data=fill(fruit, hidden, **{strawberries: "0"}))
    assert empty.status_code == 422 and "Choose at least one item." in text_of(empty)
    unknown = as_staff.post("/board/enter", data=fill(fruit, hidden, activity="no-such"))
    assert unknown.status_code == 422 and "Choose the activity." in text_of(unknown)
    assert Order.select().count() == 0


def test_an_unknown_activity_in_the_chooser_is_422(as_staff, fruit):
    response = as_staff.get("/board/enter?activity=no-such")
    assert response.status_code == 422 and "Choose the activity." in text_of(response)


def test_customers_and_visitors_cannot_enter_orders(client, fruit):
    assert client.get("/board/enter").status_code in (302, 303)
    token = csrf_token_from(client, "/login")
    refused = client.post("/board/enter", data={"csrf_token": token, "activity": "x"})
    assert refused.status_code in (302, 303) and Order.select().count() == 0


def test_each_order_says_how_it_came(fruit, staff, leader):
    version = fruit["version"]
    by_link = order_for(version, [(fruit["oranges"], 1)])
    by_leader = order_for(version, [(fruit["oranges"], 1)])
    attribute(by_leader, leader)
    imported = order_for(version, [(fruit["oranges"], 1)], source="chat_import")
    attribute(imported, leader)  # an imported order stays imported

    assert [
        str(source_of(Order.get_by_id(order.id)).label) for order in (by_link, by_leader, imported)
    ] == ["Activity link", "Leader's share link", "Chat 接龙 import"]


def test_a_tampered_submission_key_places_nothing(as_staff, fruit):
    hidden = entry_page(as_staff, fruit["version"].template.slug)

    refused = as_staff.post("/board/enter", data=fill(fruit, hidden, key="k" * 300))

    assert refused.status_code == 422 and Order.select().count() == 0


# Variants (规格) ------------------------------------------------------------------------------


@pytest.fixture
def apples(app_context):
    """A form offering the 3 kg apples, pears, then the 5 kg apples: the family stands where its
    first variant does, both options under its name."""
    small = make_product(10, price=3000, name="Apples", sku="APPLE-3")
    big = make_family(Product.get_by_id(small.id), "3 kg", VariantDetails("5 kg", "APPLE-5", 4500))
    stock.receive(big.id, Warehouse.default().id, 10)
    small = Product.get_by_id(small.id)
    pears = make_product(10, price=500, name="Pears")
    point = PickupPoint.create(name="North gate", address="1 North Rd")
    version = make_activity([small, pears, big], settings={"pickup_point_ids": [point.id]})
    return {"version": version, "small": small, "big": big, "pears": pears, "point": point}


def test_a_family_is_one_group_and_two_of_its_options_are_two_lines(as_staff, apples):
    page = as_staff.get(f"/board/enter?activity={apples['version'].template.slug}")
    body = page.get_data(as_text=True)

    group = re.search(r'<fieldset class="entry-family">(.*?)</fieldset>', body, re.S)
    assert group and re.search(r"<legend>\s*Apples\s*</legend>", group.group(1))
    labels = re.findall(r"<label[^>]*>([^<]+)</label>", group.group(1))
    assert labels == ["3 kg", "5 kg"]
    order = re.findall(r'name="qty-(\d+)"', body)
    assert order == [str(apples[k].id) for k in ("small", "big", "pears")]

    small, big = (f"qty-{apples[k].id}" for k in ("small", "big"))
    placed = as_staff.post(
        "/board/enter",
        data={
            **hidden_inputs(body),
            "channel": "phone",
            "phone": "13800138000",
            "name": "Grandma Li",
            small: "1",
            big: "2",
            "fulfilment": str(apples["point"].id),
        },
    )

    assert placed.status_code == 303
    assert sorted((line.name, line.quantity) for line in OrderLine.select()) == [
        ("Apples 3 kg", 1),
        ("Apples 5 kg", 2),
    ]
    assert Order.get().total == 3000 + 2 * 4500
