"""Bulk actions on the queue (approve, reject with one reason, assign) and assigning one case:
each case at the version the page showed, so a case someone changed meanwhile is refused and
named, never overwritten (threads, both databases)."""

from collections import Counter as Tally

import pytest

from models.aftersales.case import AfterSalesCase, CaseEvent
from models.aftersales.lifecycle import assign_case, transition_case
from models.aftersales.requests import open_case
from models.customers.customer import Customer
from models.orders.lifecycle import Actor, walk_order
from models.orders.order import Order
from tests.factories import make_product, order_for, published_version
from tests.helpers import EN, csrf_token_from, make_user, race, text_of

DONE = ("confirmed", "processing", "ready", "completed")
QUEUE = "/board/after-sales"


def open_one(product, name):
    order = order_for(published_version(), [(product, 3)], name=name)
    order = walk_order(order, DONE, Actor.system())
    return open_case(
        Order.get_by_id(order.id),
        Actor.of_customer(Customer.get_by_id(order.customer_id)),
        kind="refund_only",
        quantities={order.lines[0].id: 1},
        reason="Damaged",
    )


@pytest.fixture
def cases(app):
    with app.app_context():
        product = make_product(20, price=1250)
        return [open_one(product, name) for name in ("Ann", "Bob", "Cyd")]


def tick(case):
    return f"{case.id}.{case.version}"


def bulk(client, action, ticked, query="", **fields):
    token = csrf_token_from(client, QUEUE)
    data = {"csrf_token": token, "action": action, "ids": ticked, **fields}
    return client.post(f"{QUEUE}/bulk{query}", data=data, headers=EN, follow_redirects=True)


def status_of(app, case):
    with app.app_context():
        return AfterSalesCase.get_by_id(case.id).status


def test_approving_the_ticked_cases_names_the_one_changed_meanwhile(
    client, staff, login, cases, app, admin
):
    ann, bob, cyd = cases
    with app.app_context():
        transition_case(cyd, "rejected", Actor.of_user(admin), note="Too late")
    login(staff)
    page = text_of(bulk(client, "approve", [tick(ann), tick(bob), tick(cyd)], "?status=all"))
    assert "Changed: 2 · Not changed: 1" in page
    assert f"{cyd.code}: Someone else changed this case" in page
    assert [status_of(app, c) for c in cases] == ["approved", "approved", "rejected"]


def test_rejecting_needs_one_reason_shown_to_each_customer(client, staff, login, cases, app):
    ann, bob, _cyd = cases
    login(staff)
    token = csrf_token_from(client, QUEUE)
    data = {"csrf_token": token, "action": "reject", "ids": [tick(ann), tick(bob)], "reason": " "}
    refused = client.post(f"{QUEUE}/bulk", data=data, headers=EN)
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert 'id="reason-error"' in body and "Say why the requests are rejected." in body
    assert body.count(" checked aria-label=") == 2  # the ticks are kept
    assert [status_of(app, c) for c in cases] == ["requested"] * 3

    bulk(client, "reject", [tick(ann), tick(bob)], reason="Past the window")
    with app.app_context():
        assert [AfterSalesCase.get_by_id(c.id).answer for c in (ann, bob)] == [
            "Past the window"
        ] * 2
    assert [status_of(app, c) for c in cases] == ["rejected", "rejected", "requested"]


def test_nothing_ticked_is_a_422(client, staff, login, cases):
    login(staff)
    token = csrf_token_from(client, QUEUE)
    response = client.post(
        f"{QUEUE}/bulk", data={"csrf_token": token, "action": "approve"}, headers=EN
    )
    assert response.status_code == 422 and "Select cases first." in text_of(response)


def test_assigning_the_ticked_cases_shows_them_under_the_assignee(client, staff, login, cases, app):
    ann, bob, _cyd = cases
    login(staff)
    bulk(client, "assign", [tick(ann), tick(bob)], assignee=str(staff.id))
    mine = text_of(client.get(f"{QUEUE}?assignee=me", headers=EN))
    assert ann.code in mine and bob.code in mine and "Cyd" not in mine
    with app.app_context():
        events = CaseEvent.select().where(CaseEvent.kind == "assigned")
        assert sorted(e.case_id for e in events) == [ann.id, bob.id]
        fresh = AfterSalesCase.get_by_id(ann.id)
    bulk(client, "assign", [tick(fresh)], assignee="")
    assert ann.code not in text_of(client.get(f"{QUEUE}?assignee=me", headers=EN))


def test_two_staff_assigning_one_case_at_once_one_wins(app, cases):
    case = cases[0]
    with app.app_context():
        people = [make_user("staff", f"p{i}@example.com") for i in range(6)]

    def assign(i):
        with_user = people[i]
        return assign_case(case, with_user, Actor.of_user(with_user), expected_version=1).version

    results = race(app, 6, assign)

    assert Tally(outcome for outcome, _ in results) == {"ok": 1, "StaleCase": 5}, results
    with app.app_context():
        stored = AfterSalesCase.get_by_id(case.id)
        assert stored.version == 2 and stored.assignee_id in {p.id for p in people}


def test_assigning_a_case_changed_meanwhile_is_a_conflict(client, staff, login, cases, app):
    case = cases[0]
    login(staff)
    url = f"{QUEUE}/{case.id}"
    token = csrf_token_from(client, url)
    with app.app_context():
        transition_case(case, "approved", Actor.of_user(staff))  # someone else, meanwhile
    data = {"csrf_token": token, "version": "1", "assignee": str(staff.id)}
    response = client.post(f"{url}/assign", data=data, headers=EN)
    assert response.status_code == 409
    assert "Someone else changed this case" in text_of(response)
    with app.app_context():
        assert AfterSalesCase.get_by_id(case.id).assignee_id is None
    data["version"] = "2"
    assert client.post(f"{url}/assign", data=data, headers=EN).status_code == 303
    assert "Case updated." in text_of(client.get(url, headers=EN))
