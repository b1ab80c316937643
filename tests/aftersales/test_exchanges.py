"""Exchanges: approval reserves the replacement all or nothing and places one replacement order
linked to the case; replaced needs it; cancelling gives its units back once; the stock ledger
still adds up to the stock rows (threads, SQLite and PostgreSQL)."""

from collections import Counter as Tally

import pytest

from models.aftersales.bulk import Target, approve_cases
from models.aftersales.case import AfterSalesCase, CaseLine
from models.aftersales.exchange import ReplacementRefused, ReplacementShort, case_replaced_by
from models.aftersales.lifecycle import CaseRefused, transition_case
from models.aftersales.requests import open_case
from models.catalog.ledger import balance
from models.catalog.products import Stock
from models.catalog.stock import try_set_on_hand
from models.errors import TransitionNotAllowed
from models.orders.lifecycle import Actor, transition_order, walk_order
from models.orders.order import Order
from tests.factories import make_activity, make_product, order_for, stock_of
from tests.helpers import make_user, race


@pytest.fixture
def shop(app_context):
    """Two products of one activity: a ¥12.50 apple (5 on hand) and a ¥20 pear (2 on hand)."""
    apple, pear = make_product(5, price=1250), make_product(2, price=2000)
    return {"apple": apple, "pear": pear, "version": make_activity([apple, pear])}


def handed_over(shop, items, name="Alice"):
    order = order_for(shop["version"], items, name=name)
    return walk_order(order, ("confirmed", "processing", "ready", "completed"), Actor.system())


def exchange(order, units=1, instead=None):
    line = order.lines[0]
    customer = Actor.of_customer(order.customer)
    return open_case(
        order,
        customer,
        kind="exchange",
        quantities={line.id: units},
        reason="Damaged",
        replacements={line.id: instead.id} if instead else None,
    )


def assert_ledger_adds_up():
    for row in Stock.select():
        assert balance(row.product_id, row.warehouse_id) == (row.on_hand, row.reserved)


def test_approval_places_a_free_replacement_linked_both_ways(shop, staff):
    order = handed_over(shop, [(shop["apple"], 2)])
    case = transition_case(exchange(order, units=2), "approved", Actor.of_user(staff))

    replacement = case.replacement_order
    assert replacement.source == "aftersales" and replacement.total == 0
    assert replacement.payment_status == "paid" and replacement.status == "pending"
    assert [(ln.product_id, ln.quantity, ln.unit_price) for ln in replacement.lines] == [
        (shop["apple"].id, 2, 0)
    ]
    assert case_replaced_by(replacement).id == case.id
    assert stock_of(shop["apple"]).reserved == 2
    assert_ledger_adds_up()


def test_a_dearer_product_costs_the_difference(shop, staff):
    order = handed_over(shop, [(shop["apple"], 1)])
    case = exchange(order, instead=shop["pear"])
    assert CaseLine.get(CaseLine.case == case.id).replacement_product_id == shop["pear"].id

    case = transition_case(case, "approved", Actor.of_user(staff))

    assert case.replacement_order.total == 2000 - 1250
    assert case.replacement_order.payment_status == "unpaid"
    assert stock_of(shop["pear"]).reserved == 1


def test_a_product_the_activity_does_not_sell_is_refused(shop):
    order = handed_over(shop, [(shop["apple"], 1)])
    with pytest.raises(CaseRefused):
        exchange(order, instead=make_product(5))


def test_short_stock_refuses_the_approval_and_changes_nothing(shop, staff):
    order = handed_over(shop, [(shop["apple"], 1)])
    case = exchange(order, instead=shop["pear"])
    Stock.update(on_hand=0).where(Stock.product == shop["pear"].id).execute()
    orders_before = Order.select().count()

    with pytest.raises(ReplacementShort, match="Only 0 of"):
        transition_case(case, "approved", Actor.of_user(staff))

    stored = AfterSalesCase.get_by_id(case.id)
    assert (stored.status, stored.version, stored.replacement_order_id) == ("requested", 1, None)
    assert Order.select().count() == orders_before


def test_replaced_needs_the_replacement_order(shop, completed, customer_of, staff):
    by = Actor.of_user(staff)
    line = completed.lines[0]
    refund = open_case(
        completed,
        customer_of(completed),
        kind="return_refund",
        quantities={line.id: 1},
        reason="Damaged",
    )
    refund = transition_case(refund, "approved", by)
    with pytest.raises(CaseRefused):
        transition_case(refund, "replaced", by)

    order = handed_over(shop, [(shop["apple"], 1)])
    case = transition_case(exchange(order), "approved", by)
    case = transition_case(case, "awaiting_return", by)
    item = CaseLine.get(CaseLine.case == case.id)
    case = transition_case(case, "received", by, dispositions={item.id: "restocked"})
    assert transition_case(case, "replaced", by).status == "replaced"
    assert_ledger_adds_up()


def test_cancelling_after_approval_releases_the_replacement_once(shop, staff):
    by = Actor.of_user(staff)
    order = handed_over(shop, [(shop["apple"], 1)])
    case = transition_case(exchange(order), "approved", by)
    assert stock_of(shop["apple"]).reserved == 1

    case = transition_case(case, "cancelled", by)

    assert case.replacement_order.status == "cancelled"
    assert stock_of(shop["apple"]).reserved == 0
    with pytest.raises(TransitionNotAllowed):
        transition_case(case, "cancelled", by)
    assert stock_of(shop["apple"]).reserved == 0
    assert_ledger_adds_up()


def test_a_replacement_cancelled_on_the_board_replaces_nothing(shop, staff):
    by = Actor.of_user(staff)
    case = transition_case(exchange(handed_over(shop, [(shop["apple"], 1)])), "approved", by)
    transition_order(case.replacement_order, "cancelled", by)
    with pytest.raises(CaseRefused):
        transition_case(case, "replaced", by)


def test_concurrent_approvals_of_one_case_place_one_order(app, shop):
    order = handed_over(shop, [(shop["apple"], 1)])
    case = exchange(order)
    people = [make_user("staff", f"x{i}@example.com") for i in range(6)]

    results = race(app, 6, lambda i: transition_case(case, "approved", Actor.of_user(people[i])).id)

    assert Tally(outcome for outcome, _ in results) == {"ok": 1, "StaleCase": 5}, results
    assert Order.select().where(Order.source == "aftersales").count() == 1
    assert stock_of(shop["apple"]).reserved == 1
    assert_ledger_adds_up()


def test_two_exchanges_racing_for_the_last_unit(app, shop, staff):
    by = Actor.of_user(staff)
    first = handed_over(shop, [(shop["apple"], 1)], name="Alice")
    second = handed_over(shop, [(shop["apple"], 1)], name="Bob")
    cases = [exchange(first, instead=shop["pear"]), exchange(second, instead=shop["pear"])]
    pear = stock_of(shop["pear"])  # one left: a stock-take
    assert try_set_on_hand(shop["pear"].id, pear.warehouse_id, 1, pear.on_hand)

    results = race(app, 2, lambda i: transition_case(cases[i], "approved", by).status)

    outcomes = Tally(outcome for outcome, _ in results)
    assert outcomes == {"ok": 1, "ReplacementShort": 1}, results
    refused = next(error for outcome, error in results if outcome == "ReplacementShort")
    assert "Only 0 of" in str(refused)
    assert stock_of(shop["pear"]).reserved == 1
    assert Order.select().where(Order.source == "aftersales").count() == 1
    assert_ledger_adds_up()


def test_a_replacement_on_its_way_keeps_the_case(shop, staff):
    by = Actor.of_user(staff)
    case = transition_case(exchange(handed_over(shop, [(shop["apple"], 1)])), "approved", by)
    walk_order(case.replacement_order, ("confirmed", "processing", "ready"), by)

    with pytest.raises(ReplacementRefused, match="already on its way"):
        transition_case(case, "cancelled", by)

    assert AfterSalesCase.get_by_id(case.id).status == "approved"
    assert stock_of(shop["apple"]).reserved == 1


def test_a_bulk_approval_places_the_replacement_too(shop, staff):
    case = exchange(handed_over(shop, [(shop["apple"], 1)]))
    report = approve_cases([Target(case.id, case.version)], staff)
    assert len(report.done) == 1
    assert AfterSalesCase.get_by_id(case.id).replacement_order.source == "aftersales"
