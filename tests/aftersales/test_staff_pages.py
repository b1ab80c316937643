"""Staff's after-sales queue and case page: the steps the lifecycle allows, a rejection's reason
required (422 inline), goods back to stock once, the refund through request_refund (never above
what was paid), photos for staff."""

import pytest

from models.aftersales.case import AfterSalesCase, CaseLine
from models.aftersales.requests import keep_photos, open_case
from models.customers.customer import Customer
from models.orders.lifecycle import Actor, walk_order
from models.orders.order import Order
from models.orders.payments import record_payment
from models.payments.refunds import Refund
from tests.factories import make_product, order_for, published_version, stock_of
from tests.helpers import EN, csrf_token_from, text_of
from tests.payments.images import png


@pytest.fixture
def case(app, admin):
    """A paid, handed-over order of 3 × 12.50 and a request to return 2 of them, with a photo."""
    with app.app_context():
        product = make_product(10, price=1250, name="Mooncakes")
        order = order_for(published_version(), [(product, 3)], name="Dora")
        order = walk_order(order, ("confirmed", "processing", "ready", "completed"), Actor.system())
        record_payment(order, order.total, "cash", Actor.of_user(admin), order.version)
        customer = Actor.of_customer(Customer.get_by_id(order.customer_id))
        return open_case(
            Order.get_by_id(order.id),
            customer,
            kind="return_refund",
            quantities={order.lines[0].id: 2},
            reason="Damaged",
            details="Crushed box",
            photos=keep_photos([png()]),
        )


def step(client, case_id, to, **fields):
    url = f"/board/after-sales/{case_id}"
    token = csrf_token_from(client, url)
    version = AfterSalesCase.get_by_id(case_id).version
    data = {"csrf_token": token, "version": str(version), "to": to, **fields}
    return client.post(f"{url}/move", data=data, headers=EN)


def test_the_queue_lists_open_cases_with_counts_and_filters(client, staff, login, case):
    login(staff)
    page = client.get("/board/after-sales", headers=EN)
    assert page.status_code == 200
    assert case.code in text_of(page) and "Dora" in text_of(page)
    assert "Requested (1)" in text_of(page)
    assert case.code not in text_of(client.get("/board/after-sales?kind=redo", headers=EN))
    assert case.code in text_of(client.get("/board/after-sales?status=requested"))


def test_customers_and_strangers_never_see_the_queue(client, case):
    assert client.get("/board/after-sales").status_code == 302
    assert client.get(f"/board/after-sales/{case.id}").status_code == 302


def test_the_case_page_shows_photos_to_staff(client, staff, login, case, app):
    login(staff)
    page = client.get(f"/board/after-sales/{case.id}", headers=EN).get_data(as_text=True)
    assert "Crushed box" in page and "Mooncakes ×2" in page
    with app.app_context():
        photo = case.photos[0]
    assert f"/board/after-sales/{case.id}/photos/{photo.thumbnail}" in page
    assert client.get(f"/board/after-sales/{case.id}/photos/{photo.image}").status_code == 200
    assert client.get(f"/board/after-sales/{case.id}/photos/x{photo.image}").status_code == 404


def test_rejecting_without_a_reason_is_a_422_inline(client, staff, login, case, app):
    login(staff)
    response = step(client, case.id, "rejected")
    assert response.status_code == 422
    assert 'id="note-error"' in response.get_data(as_text=True)
    response = step(client, case.id, "rejected", note="Past the window")
    assert response.status_code == 303
    with app.app_context():
        assert AfterSalesCase.get_by_id(case.id).answer == "Past the window"


def test_a_return_received_restocks_once_and_refunds_what_was_paid(client, admin, login, case, app):
    login(admin)
    with app.app_context():
        product = Order.get_by_id(case.order_id).lines[0].product
        before = stock_of(product).on_hand
        line = CaseLine.get(CaseLine.case == case.id)
    assert step(client, case.id, "approved", note="Send it back").status_code == 303
    assert step(client, case.id, "awaiting_return").status_code == 303
    response = step(client, case.id, "received", **{f"disposition-{line.id}": "restocked"})
    assert response.status_code == 303
    assert step(client, case.id, "received").status_code == 422  # not twice
    assert step(client, case.id, "refunded").status_code == 422  # only with the money

    url = f"/board/after-sales/{case.id}"
    token = csrf_token_from(client, url)
    with app.app_context():
        version = AfterSalesCase.get_by_id(case.id).version
    response = client.post(
        f"{url}/refund", data={"csrf_token": token, "version": version, "method": "cash"}
    )
    assert response.status_code == 303
    with app.app_context():
        assert stock_of(product).on_hand == before + 2
        refund = Refund.get()
        assert (refund.amount, refund.restock) == (2500, False)
        assert AfterSalesCase.get_by_id(case.id).status == "refunded"
        assert Order.get_by_id(case.order_id).payment_status == "partly_refunded"


def test_a_case_refund_is_never_above_what_was_paid(client, admin, login, case, app):
    login(admin)
    with app.app_context():
        order = Order.get_by_id(case.order_id)
        # most of it went back already, by hand at the counter
        from models.payments.refunds import request_refund

        request_refund(order, Actor.of_user(admin), method="cash", amount=3000)
    assert step(client, case.id, "approved").status_code == 303
    url = f"/board/after-sales/{case.id}"
    token = csrf_token_from(client, url)
    with app.app_context():
        version = AfterSalesCase.get_by_id(case.id).version
    response = client.post(
        f"{url}/refund",
        data={"csrf_token": token, "version": version, "method": "cash"},
        headers=EN,
    )
    assert response.status_code == 422
    assert "At most" in text_of(response)
    with app.app_context():
        assert Refund.select().count() == 1
        assert AfterSalesCase.get_by_id(case.id).status == "approved"
