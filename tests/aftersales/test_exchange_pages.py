"""Exchanges and redo bookings through the pages: the customer asks for another product of the
activity; staff approve (the replacement order linked both ways, 409 when stock ran out);
a redo's booking is checked (422 under the field) and shown to the customer and on the
timeline."""

import re
from datetime import timedelta

import pytest

from models.aftersales.case import AfterSalesCase, CaseEvent
from models.aftersales.requests import open_case
from models.catalog.products import Stock
from models.orders.lifecycle import Actor, walk_order
from models.orders.order import Order
from models.shop_time import shop_today
from tests.aftersales.test_customer_pages import ask
from tests.aftersales.test_staff_pages import step
from tests.factories import make_activity, make_product, order_for
from tests.helpers import EN, text_of


@pytest.fixture
def shop(app):
    """A handed-over order of 2 mooncakes, of an activity that also sells pears."""
    with app.app_context():
        cake, pear = make_product(5, price=1250, name="Mooncakes"), make_product(1, name="Pears")
        order = order_for(make_activity([cake, pear]), [(cake, 2)], name="Dora")
        order = walk_order(order, ("confirmed", "processing", "ready", "completed"), Actor.system())
        return {"order": order, "url": f"/o/{order.tracking_token}", "pear": pear}


def opened(app, order, **fields):
    with app.app_context():
        return open_case(order, Actor.of_customer(order.customer), **fields)


def test_the_customer_asks_to_exchange_for_another_product(client, shop):
    page = client.get(f"{shop['url']}/after-sales/{shop['order'].lines[0].id}", headers=EN)
    assert "The same again" in text_of(page) and "Pears" in text_of(page)

    response = ask(
        client,
        shop["url"],
        shop["order"].lines[0].id,
        kind="exchange",
        exchange_for=str(shop["pear"].id),
    )

    assert response.status_code == 303
    case = AfterSalesCase.get()
    assert (case.kind, case.lines[0].replacement_product_id) == ("exchange", shop["pear"].id)
    odd = ask(client, shop["url"], shop["order"].lines[0].id, kind="exchange", exchange_for="999")
    assert odd.status_code == 422


def test_staff_approve_and_both_pages_link_the_replacement(app, client, staff, login, shop):
    order = shop["order"]
    case = opened(
        app,
        order,
        kind="exchange",
        quantities={order.lines[0].id: 1},
        reason="Damaged",
    )
    login(staff)

    assert step(client, case.id, "approved").status_code == 303

    replacement = AfterSalesCase.get_by_id(case.id).replacement_order
    page = text_of(client.get(f"/board/after-sales/{case.id}", headers=EN))
    assert f"Replacement order: #{replacement.number}" in page
    board = text_of(client.get(f"/board/orders/{replacement.number}", headers=EN))
    assert case.code in board and f"#{order.number}" in board
    assert f"#{replacement.number}" in text_of(client.get("/board/", headers=EN))
    picking = text_of(client.get("/board/picking?status=pending", headers=EN))
    assert re.search(r"Mooncakes SKU-\w+ 1 1", picking)
    mine = text_of(client.get(shop["url"], headers=EN))
    assert f"Replacement order: #{replacement.number}" in mine
    theirs = text_of(client.get(f"/o/{replacement.tracking_token}", headers=EN))
    assert f"This order replaces goods of after-sales case {case.code}" in theirs


def test_an_approval_without_stock_is_a_409_and_changes_nothing(app, client, staff, login, shop):
    order = shop["order"]
    case = opened(
        app,
        order,
        kind="exchange",
        quantities={order.lines[0].id: 1},
        reason="Damaged",
        replacements={order.lines[0].id: shop["pear"].id},
    )
    Stock.update(reserved=Stock.on_hand).where(Stock.product == shop["pear"].id).execute()
    login(staff)

    response = step(client, case.id, "approved")

    assert response.status_code == 409
    assert "Only 0 of Pears in stock" in text_of(response)
    assert AfterSalesCase.get_by_id(case.id).status == "requested"
    assert not Order.select().where(Order.source == "aftersales").exists()


def test_a_redo_books_a_time_shown_to_the_customer(app, client, staff, login, shop):
    order = shop["order"]
    case = opened(
        app,
        order,
        kind="redo",
        quantities={order.lines[0].id: 1},
        reason="Quality problem",
    )
    login(staff)
    with app.app_context():
        today = shop_today()
    yesterday = (today - timedelta(days=1)).isoformat()
    late = step(
        client, case.id, "approved", redo_day=yesterday, redo_from="10:00", redo_until="12:00"
    )
    assert late.status_code == 422 and "Choose a time in the future." in text_of(late)
    half = step(client, case.id, "approved", redo_day=yesterday)
    assert half.status_code == 422 and "Choose a day and the hours" in text_of(half)
    backwards = step(
        client, case.id, "approved", redo_day=yesterday, redo_from="12:00", redo_until="10:00"
    )
    assert "The redo must end after it starts." in text_of(backwards)
    assert AfterSalesCase.get_by_id(case.id).status == "requested"

    day = today + timedelta(days=2)
    booked = step(
        client, case.id, "approved", redo_day=day.isoformat(), redo_from="10:00", redo_until="12:00"
    )

    assert booked.status_code == 303
    stored = AfterSalesCase.get_by_id(case.id)
    assert stored.redo_starts_at < stored.redo_ends_at
    event = CaseEvent.get(CaseEvent.case == case.id, CaseEvent.kind == "booked")
    assert event.note == f"{day.isoformat()} 10:00–12:00"
    assert "Redo booked" in text_of(client.get(f"/board/after-sales/{case.id}", headers=EN))
    assert "Redo booked:" in text_of(client.get(shop["url"], headers=EN))
