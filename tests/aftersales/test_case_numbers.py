"""Case numbers (SH-000123, per shop, from 1): taken in the transaction that opens the case,
distinct when many customers ask at once (threads, both databases), shown on the queue, the case
page, the tracking page and the stock ledger, found by the queue's words, and given to cases
opened before migration 0043."""

import pytest

from models.aftersales.case import AfterSalesCase, case_code, number_from_code
from models.aftersales.lifecycle import transition_case
from models.aftersales.requests import open_case
from models.catalog.ledger import StockMovement
from models.customers.customer import Customer
from models.orders.lifecycle import Actor, walk_order
from models.orders.order import Counter, Order
from models.schema import upgrade
from tests.factories import make_product, order_for, published_version
from tests.helpers import EN, race, text_of
from tests.house.test_migrations import empty_database, insert, write_rows_at_0001  # noqa: F401

DONE = ("confirmed", "processing", "ready", "completed")


def handed_over(product, name="Dora"):
    order = order_for(published_version(), [(product, 3)], name=name)
    return walk_order(order, DONE, Actor.system())


def ask(order, units=1, kind="return_refund"):
    customer = Actor.of_customer(Customer.get_by_id(order.customer_id))
    return open_case(
        Order.get_by_id(order.id),
        customer,
        kind=kind,
        quantities={order.lines[0].id: units},
        reason="Damaged",
    )


def test_cases_are_numbered_from_1_with_the_shops_prefix(app_context, product):
    order = handed_over(product)
    first, second = ask(order), ask(order)
    assert (first.number, second.number) == (1, 2)
    assert (first.code, second.code) == ("SH-000001", "SH-000002")
    app_context.config["CASE_NUMBER_PREFIX"] = "JL"
    assert case_code(123) == "JL-000123"
    assert number_from_code("jl-000123") == number_from_code("000123") == 123
    assert number_from_code("123") == 123 and number_from_code("JL-") is None
    app_context.config["CASE_NUMBER_PREFIX"] = "SH"
    assert number_from_code("sh000123") == number_from_code("SH-000123") == 123


def test_many_customers_asking_at_once_get_distinct_numbers(app, app_context):
    product = make_product(50, price=500)
    orders = [handed_over(product, name=f"C{i}") for i in range(6)]

    results = race(app, 6, lambda i: ask(orders[i]).number)

    assert sorted(value for outcome, value in results if outcome == "ok") == [1, 2, 3, 4, 5, 6]
    numbers = [case.number for case in AfterSalesCase.select()]
    assert sorted(numbers) == [1, 2, 3, 4, 5, 6]
    assert Counter.next("aftersales_case", start=0) == 7


def test_the_number_is_shown_to_staff_the_customer_and_the_ledger(client, staff, login, app, admin):
    with app.app_context():
        order = handed_over(make_product(10, price=1250, name="Mooncakes"))
        ask(order)  # SH-000001, someone else's
        case = ask(order, units=2)
        by = Actor.of_user(admin)
        case = transition_case(transition_case(case, "approved", by), "awaiting_return", by)
        line = case.lines[0]
        transition_case(case, "received", by, dispositions={line.id: "restocked"})
        moved = StockMovement.select().where(StockMovement.kind == "returned").get()
        assert moved.reason == "After-sales SH-000002"
        token = order.tracking_token
    login(staff)
    queue = text_of(client.get("/board/after-sales?status=all", headers=EN))
    assert "SH-000001" in queue and "SH-000002" in queue
    assert "Case SH-000002" in text_of(client.get(f"/board/after-sales/{case.id}", headers=EN))
    assert "SH-000002" in text_of(client.get(f"/o/{token}", headers=EN))
    found = text_of(client.get("/board/after-sales?status=all&q=sh-000002", headers=EN))
    assert "SH-000002" in found and "SH-000001" not in found


def test_cases_opened_before_0043_get_numbers_and_the_counter_follows(empty_database):  # noqa: F811
    upgrade(target="0001_initial")
    ids = write_rows_at_0001()
    upgrade(target="0038_flagged_refunds")
    when = "2026-05-01 10:00:00"
    for kind in ("exchange", "complaint"):
        insert(
            "aftersales_case",
            order_id=ids["order"],
            kind=kind,
            status="requested",
            reason="Damaged",
            details="",
            preferred="",
            answer="",
            version=1,
            created_at=when,
            updated_at=when,
        )

    upgrade()

    cases = AfterSalesCase.select().order_by(AfterSalesCase.id)
    assert [(case.kind, case.code) for case in cases] == [
        ("exchange", "SH-000001"),
        ("complaint", "SH-000002"),
    ]
    assert Counter.next("aftersales_case", start=0) == 3


@pytest.fixture
def product(app_context):
    return make_product(10, price=1250)
