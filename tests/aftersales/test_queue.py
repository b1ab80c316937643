"""The queue's filters in the URL (status, type, age, overdue, assignee, words), keyset pages,
the filtered queue as CSV and XLSX (every page, formula-safe, audited), and its live check."""

import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from models.aftersales import queue as queue_module
from models.aftersales.case import AfterSalesCase
from models.aftersales.lifecycle import transition_case
from models.aftersales.queue import CaseFilter
from models.aftersales.requests import open_case
from models.audit.log import AuditEntry
from models.customers.customer import Customer
from models.db import db, is_postgres
from models.orders.lifecycle import Actor, walk_order
from models.orders.order import Order
from tests.factories import make_product, order_for, published_version
from tests.helpers import EN, HTMX, text_of

DONE = ("confirmed", "processing", "ready", "completed")


def open_one(product, name, kind="return_refund", details="", hours_ago=0):
    order = order_for(published_version(), [(product, 3)], name=name)
    order = walk_order(order, DONE, Actor.system())
    case = open_case(
        Order.get_by_id(order.id),
        Actor.of_customer(Customer.get_by_id(order.customer_id)),
        kind=kind,
        quantities={order.lines[0].id: 1},
        reason="Damaged",
        details=details,
    )
    if hours_ago:
        AfterSalesCase.update(created_at=case.created_at - timedelta(hours=hours_ago)).where(
            AfterSalesCase.id == case.id
        ).execute()
    return AfterSalesCase.get_by_id(case.id)


@pytest.fixture
def cases(app, staff):
    """Ann's return (30 h old, unanswered: overdue), Bob's redo (2 h), Cyd's complaint (100 h,
    approved and assigned to staff), each of 1 × ¥12.50."""
    with app.app_context():
        product = make_product(20, price=1250, name="Mooncakes")
        ann = open_one(product, "Ann", details="=HYPERLINK(1)", hours_ago=30)
        bob = open_one(product, "Bob", kind="redo", hours_ago=2)
        cyd = open_one(product, "Cyd", kind="complaint", hours_ago=100)
        cyd = transition_case(cyd, "approved", Actor.of_user(staff))
        AfterSalesCase.update(assignee=staff.id).where(AfterSalesCase.id == cyd.id).execute()
        return {"ann": ann, "bob": bob, "cyd": cyd}


def shown(client, query=""):
    page = text_of(client.get(f"/board/after-sales?{query}", headers=EN))
    return sorted((n for n in ("Ann", "Bob", "Cyd") if n in page), key=page.index)


def test_each_filter_is_in_the_url(client, staff, login, cases, app):
    login(staff)
    assert shown(client) == ["Cyd", "Ann", "Bob"]  # open ones, oldest first
    assert shown(client, "kind=redo") == ["Bob"]
    assert shown(client, "status=approved") == ["Cyd"]
    assert shown(client, "age=24") == ["Cyd", "Ann"]
    assert shown(client, "age=168") == []
    assert shown(client, "assignee=me") == ["Cyd"]
    assert shown(client, f"assignee={staff.id}") == ["Cyd"]
    assert shown(client, "assignee=none") == ["Ann", "Bob"]
    assert shown(client, "q=bob") == ["Bob"]
    with app.app_context():
        phone = Customer.get_by_id(cases["bob"].order.customer_id).phone
    # the national number: a bare tail like "000012" also reads as the case code SH-000012
    assert shown(client, f"q={phone[-11:]}") == ["Bob"]
    assert shown(client, f"q=%23{cases['bob'].order.number}") == ["Bob"]
    assert shown(client, "kind=nonsense&age=x&assignee=y&after=-1") == ["Cyd", "Ann", "Bob"]


def test_htmx_gets_the_list_alone(client, staff, login, cases):
    login(staff)
    response = client.get("/board/after-sales?kind=redo", headers={**EN, "HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="aftersales-queue">') and "<html" not in body
    assert "Bob" in body and "Ann" not in body


def test_an_unanswered_case_past_the_sla_is_red_on_the_queue(client, staff, login, cases, app):
    login(staff)
    response = client.get("/board/after-sales?age=overdue", headers=EN)
    assert shown(client, "age=overdue") == ["Ann"]  # Cyd is old but answered, Bob is young
    page = response.get_data(as_text=True)
    assert f'data-case="{cases["ann"].code}" class="overdue"' in page
    assert page.count('class="overdue"') == 1
    app.config["AFTERSALES_ANSWER_HOURS"] = 1
    assert shown(client, "age=overdue") == ["Ann", "Bob"]


def test_pages_follow_the_last_case_shown(client, staff, login, cases, monkeypatch):
    login(staff)
    monkeypatch.setattr(queue_module, "PAGE", 2)
    first = client.get("/board/after-sales?status=all", headers=EN).get_data(as_text=True)
    assert shown(client, "status=all") == ["Cyd", "Ann"]
    after = cases["ann"].id
    assert f"/board/after-sales?after={after}&amp;status=all" in first
    assert shown(client, f"status=all&after={after}") == ["Bob"]


def test_keyset_pages_never_skip_a_case_opened_at_the_same_time(app_context):
    product = make_product(20, price=1250)
    made = [open_one(product, f"P{i}") for i in range(5)]
    AfterSalesCase.update(created_at=made[0].created_at).execute()  # all at one instant
    seen, case_filter = [], CaseFilter()
    while True:
        rows, after = case_filter.page(2)
        seen += [row.id for row in rows]
        if after is None:
            break
        case_filter = CaseFilter(after=after)
    assert seen == [case.id for case in made]


def test_the_filtered_queue_downloads_as_csv(client, staff, login, cases, app):
    login(staff)
    response = client.get("/board/after-sales/export.csv?age=24&status=all", headers=EN)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="after-sales-')
    text = response.get_data().decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("Case number,Order number,Customer,Phone,Type,Status,Reason")
    assert [line.split(",")[0] for line in lines[1:]] == [cases["ann"].code, cases["cyd"].code]
    assert "'=HYPERLINK(1)" in text  # a formula typed by a customer stays text
    assert "Mooncakes ×1" in text and "12.50" in text
    with app.app_context():
        entry = AuditEntry.get(AuditEntry.kind == "aftersales.downloaded")
        assert entry.subject == "after-sales.csv" and entry.after == {"filter": "status=all&age=24"}


def test_the_filtered_queue_downloads_as_xlsx(client, staff, login, cases):
    login(staff)
    response = client.get("/board/after-sales/export.xlsx?kind=redo", headers=EN)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.values)
    assert rows[0][:2] == ("Case number", "Order number")
    assert [row[0] for row in rows[1:]] == [cases["bob"].code]
    assert rows[1][4] == "Redo" and float(rows[1][9]) == 12.5


def test_the_export_is_for_staff_only(client, cases):
    assert client.get("/board/after-sales/export.csv").status_code == 302
    assert client.get("/board/after-sales/export.xlsx").status_code == 302


def test_activity_and_product_filters_are_in_the_url_pages_and_export(
    client, staff, login, cases, app, monkeypatch
):
    """Dan's case is on another activity, about another product; the filters select by the
    order's form and by a case line's product, the pages keep them, the export too."""
    with app.app_context():
        apples = make_product(20, price=500, name="Apples")
        dan = open_one(apples, "Dan")
        activity, product = dan.order.template_id, apples.id
        mooncakes = cases["ann"].order.lines[0].product_id
    login(staff)
    assert shown(client, f"activity={activity}") == []  # Dan is not among the three names
    page = text_of(client.get(f"/board/after-sales?activity={activity}", headers=EN))
    assert dan.code in page and cases["ann"].code not in page
    page = text_of(client.get(f"/board/after-sales?product={product}", headers=EN))
    assert dan.code in page and cases["bob"].code not in page
    assert shown(client, f"product={mooncakes}") == ["Cyd", "Ann", "Bob"]
    assert shown(client, f"product={mooncakes}&activity={activity}") == []
    assert shown(client, "product=x&activity=-3") == ["Cyd", "Ann", "Bob"]  # left out
    chooser = client.get("/board/after-sales", headers=EN).get_data(as_text=True)
    assert f'<option value="{product}">Apples</option>' in chooser
    monkeypatch.setattr(queue_module, "PAGE", 2)
    first = client.get(f"/board/after-sales?product={mooncakes}", headers=EN)
    assert f"after={cases['ann'].id}&amp;product={mooncakes}" in first.get_data(as_text=True)
    assert shown(client, f"product={mooncakes}&after={cases['ann'].id}") == ["Bob"]
    csv = client.get(f"/board/after-sales/export.csv?status=all&product={product}", headers=EN)
    rows = csv.get_data().decode("utf-8-sig").splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == [dan.code]
    with app.app_context():
        assert [c.id for c in CaseFilter(activity=activity).query()] == [dan.id]


def test_the_product_filter_is_answered_by_indexes(app_context):
    """SQLite's plan for the product filter's subquery searches order_line by product and the
    case lines by line (no scan of either table)."""
    if is_postgres():
        pytest.skip("the plan is read on SQLite")
    sql, params = CaseFilter(product=1, status="all").query().sql()
    plan = " | ".join(row[-1] for row in db.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params))
    assert "INDEX orderline_product_id (product_id=?)" in plan, plan
    assert "INDEX caseline_line_id (line_id=?)" in plan and "SCAN" not in plan, plan


def test_the_queue_says_when_a_case_was_opened_or_moved(client, staff, login, cases, app):
    login(staff)
    page = client.get("/board/after-sales?kind=redo", headers=EN).get_data(as_text=True)
    poll = re.search(r'hx-get="(/board/after-sales/changed\?[^"]+)"', page).group(1)
    poll = poll.replace("&amp;", "&")
    assert "kind=redo" in poll  # the notice's link keeps the filter
    assert client.get(poll, headers=HTMX).status_code == 204  # nothing new
    with app.app_context():
        transition_case(cases["bob"], "approved", Actor.of_user(staff))  # moved: no new row
    notice = client.get(poll, headers=HTMX)
    assert notice.status_code == 200
    assert 'href="/board/after-sales?kind=redo"' in notice.get_data(as_text=True)
    assert "Cases have changed" in text_of(notice)
    assert client.get("/board/after-sales/changed?stamp=<x>", headers=HTMX).status_code == 200
