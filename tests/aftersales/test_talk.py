"""Notes and messages on a case: an internal note only staff see; a message to the customer on
the tracking page and in their messages, answering the case (no longer overdue); the customer's
answer (422 inline when empty) tells staff; each step notifies the customer, with its number."""

from datetime import timedelta

import pytest

from models.aftersales.case import AfterSalesCase
from models.aftersales.lifecycle import transition_case
from models.aftersales.requests import open_case
from models.aftersales.sla import is_overdue
from models.customers.customer import Customer
from models.messaging.deliveries import InboxMessage
from models.messaging.notifications import customer_messages
from models.orders.lifecycle import Actor, walk_order
from models.orders.order import Order, OrderEvent
from tests.factories import make_product, order_for, published_version
from tests.helpers import EN, csrf_token_from, text_of, web_request

DONE = ("confirmed", "processing", "ready", "completed")


@pytest.fixture
def case(app):
    """Dora's request to return 1 of 3, opened 30 hours ago (overdue)."""
    with app.app_context():
        product = make_product(10, price=1250, name="Mooncakes")
        order = order_for(published_version(), [(product, 3)], name="Dora")
        order = walk_order(order, DONE, Actor.system())
    with web_request(app):  # its notices are sent at the request's end, as from the page
        case = open_case(
            Order.get_by_id(order.id),
            Actor.of_customer(Customer.get_by_id(order.customer_id)),
            kind="return_refund",
            quantities={order.lines[0].id: 1},
            reason="Damaged",
        )
    with app.app_context():
        AfterSalesCase.update(created_at=case.created_at - timedelta(hours=30)).execute()
        return AfterSalesCase.get_by_id(case.id)


def post(client, url, page, **data):
    token = csrf_token_from(client, page)
    return client.post(url, data={"csrf_token": token, **data}, headers=EN)


def shop_messages(app, case):
    with app.app_context():
        return [m.body for m in customer_messages(Order.get_by_id(case.order_id))]


def test_a_request_tells_staff_with_its_number(app, staff, case):
    with app.app_context():
        [note] = InboxMessage.select().where(InboxMessage.user == staff.id)
        assert "SH-000001: Return and refund · Damaged" in note.body


def test_an_internal_note_is_for_staff_only(client, staff, login, case, app):
    login(staff)
    page = f"/board/after-sales/{case.id}"
    empty = post(client, f"{page}/note", page, internal_note="  ")
    assert empty.status_code == 422 and 'id="internal_note-error"' in empty.get_data(as_text=True)
    response = post(client, f"{page}/note", page, internal_note="Box was fine at dispatch")
    assert response.status_code == 303
    assert "Box was fine at dispatch" in text_of(client.get(page, headers=EN))
    token = case.order.tracking_token
    assert "Box was fine at dispatch" not in text_of(client.get(f"/o/{token}", headers=EN))
    assert shop_messages(app, case) == []


def test_a_message_reaches_the_customer_and_answers_the_case(client, staff, login, case, app):
    assert is_overdue(case)
    login(staff)
    page = f"/board/after-sales/{case.id}"
    response = post(client, f"{page}/message", page, message="Could you send a photo of the box?")
    assert response.status_code == 303
    with app.app_context():
        stored = AfterSalesCase.get_by_id(case.id)
        assert stored.first_answer_at is not None and not is_overdue(stored)
        assert stored.version == case.version  # a message never conflicts with a step
    [body] = shop_messages(app, case)
    assert "SH-000001: Could you send a photo of the box?" in body
    tracking = text_of(client.get(f"/o/{case.order.tracking_token}", headers=EN))
    assert "The shop" in tracking and "Could you send a photo of the box?" in tracking


def test_the_customer_answers_and_staff_are_told(client, staff, case, app, login):
    token = case.order.tracking_token
    form = f"/o/{token}/after-sales/case/{case.id}/reply"
    assert f'href="{form}"' in client.get(f"/o/{token}", headers=EN).get_data(as_text=True)
    empty = post(client, form, form, message="")
    assert empty.status_code == 422 and 'id="message-error"' in empty.get_data(as_text=True)
    assert post(client, form, form, message="Here it is, torn").status_code == 303
    assert "Here it is, torn" in text_of(client.get(f"/o/{token}", headers=EN))
    with app.app_context():
        notes = InboxMessage.select().where(InboxMessage.user == staff.id)
        assert any("SH-000001: Here it is, torn" in note.body for note in notes)
    other = order_for_someone_else(app)
    assert client.get(f"/o/{other}/after-sales/case/{case.id}/reply").status_code == 404
    login(staff)
    page = text_of(client.get(f"/board/after-sales/{case.id}", headers=EN))
    assert "The customer answered — Here it is, torn" in page


def test_each_step_notifies_the_customer_and_shows_on_the_order(client, staff, case, app, login):
    with web_request(app):
        transition_case(case, "approved", Actor.of_user(staff), note="Send it back, please")
    with app.app_context():
        events = OrderEvent.select().where(OrderEvent.kind == "aftersales")
        # in the customer's language (the order's: Chinese here)
        assert [e.note for e in events] == ["SH-000001: 已同意 — Send it back, please"]
    [message] = shop_messages(app, case)
    assert "SH-000001: 已同意 — Send it back, please" in message
    login(staff)
    order_page = text_of(client.get(f"/board/orders/{case.order.number}", headers=EN))
    assert "After-sales SH-000001: 已同意" in order_page


def test_a_closed_case_takes_no_answer(client, case, app, staff):
    form = f"/o/{case.order.tracking_token}/after-sales/case/{case.id}/reply"
    token = csrf_token_from(client, form)
    with app.app_context():
        customer = Actor.of_customer(Customer.get_by_id(case.order.customer_id))
        transition_case(case, "cancelled", customer)
    refused = client.post(form, data={"csrf_token": token, "message": "Hello?"}, headers=EN)
    assert refused.status_code == 422 and "This case is closed." in text_of(refused)


def order_for_someone_else(app):
    with app.app_context():
        product = make_product(5, price=100)
        return order_for(published_version(), [(product, 1)], name="Eve").tracking_token
