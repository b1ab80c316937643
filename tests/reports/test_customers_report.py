"""/reports/customers: its figures equal a direct SQL recount of the orders, each RFM segment links
to the customer list holding exactly its customers, tables download, odd URLs never fail."""

import csv
import io
import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from models.customers.customer import Customer
from models.db import db
from models.orders.lifecycle import Actor, transition_order
from models.orders.status import OrderStatus
from models.reports.customers import (
    SEGMENTS,
    customers_query,
    customers_report,
    segment_members,
    segment_of,
)
from models.reports.recount import rebuild
from tests.factories import cn_mobile, order_for
from tests.helpers import EN, HTMX
from tests.reports.oracle import _moment, _sql

SHOP = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 3, 10)
ARGS = {"from": "2026-01-01", "to": "2026-03-10", "group": "month"}


def customers_shop(make_shop, staff) -> dict:
    """Twelve customers ordering on random days from October to March, some near the shop's
    midnight; every ninth order cancelled."""
    shop = make_shop(products={"apples": {"on_hand": 9000, "price": 1250, "name": "Apples"}})
    phones = [cn_mobile() for _ in range(12)]
    chance = random.Random(18)
    start = datetime(2025, 10, 1, tzinfo=UTC)
    for n in range(90):
        moment = start + timedelta(days=chance.uniform(0, 160), hours=chance.choice([0, 15, 16]))
        who = min(chance.randrange(12), chance.randrange(12))  # the first customers order more
        with time_machine.travel(moment, tick=False):
            order = order_for(
                shop["version"], [(shop["apples"], 1 + n % 4)], name=f"C{who}", phone=phones[who]
            )
            if n % 9 == 0:
                transition_order(order, OrderStatus.CANCELLED, Actor.of_user(staff))
    rebuild()
    return shop


def recount() -> dict[int, list[tuple[date, int]]]:
    """{customer: [(shop day, total)]} of the orders not cancelled, by direct SQL."""
    found = defaultdict(list)
    query = 'SELECT customer_id, created_at, total FROM "order" WHERE status <> %s'
    for customer, created_at, total in db.execute_sql(_sql(query), ("cancelled",)).fetchall():
        found[customer].append((_moment(created_at, SHOP).date(), total))
    return found


def test_the_report_equals_a_direct_sql_recount(app_context, make_shop, staff):
    customers_shop(make_shop, staff)
    orders = recount()
    start, end = date(2026, 1, 1), date(2026, 3, 10)
    report = customers_report(customers_query(ARGS, TODAY))

    upto = {c: [(d, t) for d, t in rows if d <= end] for c, rows in orders.items()}
    first = {c: min(d for d, _ in rows) for c, rows in upto.items() if rows}
    in_range = {c for c, rows in upto.items() if any(start <= d for d, _ in rows)}
    assert report.customers == len(in_range) > 3
    assert report.new == len({c for c in in_range if first[c] >= start})
    assert report.repeaters == len({c for c in in_range if len(upto[c]) >= 2})
    assert report.repeat_rate == round(report.repeaters * 100 / report.customers)

    for row in report.periods:  # months: January, February, March
        month = {c for c, rows in upto.items() if any(d.replace(day=1) == row.key for d, _ in rows)}
        assert row.customers == len(month)
        assert row.new == len({c for c in month if first[c].replace(day=1) == row.key})
    assert [row.label for row in report.periods] == ["2026-01-01", "2026-02-01", "2026-03-01"]

    assert [c.label for c in report.cohorts] == ["2026-01", "2026-02", "2026-03"]
    for cohort in report.cohorts:
        members = {c for c in first if first[c].replace(day=1) == cohort.month}
        assert cohort.size == len(members)
        for after, count in enumerate(cohort.counts):
            month = date(2026, cohort.month.month + after, 1)
            assert count == len(
                {c for c in members if any(d.replace(day=1) == month for d, _ in upto[c])}
            )

    spent = {c: sum(t for d, t in upto[c] if d >= start) for c in in_range}
    assert [t.revenue for t in report.top] == sorted(spent.values(), reverse=True)
    assert report.top[0].name == Customer.get_by_id(report.top[0].customer).name

    by_segment = defaultdict(set)
    for c, rows in upto.items():
        by_segment[segment_of((end - max(d for d, _ in rows)).days, len(rows))].add(c)
    for row in report.segments:
        assert row.customers == len(by_segment[row.key])
        assert row.revenue == sum(t for c in by_segment[row.key] for _, t in upto[c])
        assert {c for (c,) in segment_members(row.key, end).tuples()} == by_segment[row.key]
    assert sum(row.customers for row in report.segments) == len(upto)


def test_a_segment_links_to_the_customer_list_of_just_its_customers(
    app, as_admin, make_shop, staff
):
    with app.app_context():
        customers_shop(make_shop, staff)
        report = customers_report(customers_query(ARGS, TODAY))
        names = {
            row.key: {
                Customer.get_by_id(c).name for (c,) in segment_members(row.key, TODAY).tuples()
            }
            for row in report.segments
        }
    page = as_admin.get("/reports/customers", query_string=ARGS).get_data(as_text=True)
    shown = [row for row in report.segments if row.customers]
    assert len(shown) >= 2
    for row in shown:
        link = f"/customers/?segment={row.key}&amp;on=2026-03-10"
        assert link in page
        listing = as_admin.get(link.replace("&amp;", "&")).get_data(as_text=True)
        assert 'id="segment-shown"' in listing
        assert listing.count('<tr id="customer-') == row.customers
        assert all(f">{name}<" in listing for name in names[row.key])
        for other in SEGMENTS:
            if other != row.key:
                for name in names[other]:
                    assert f">{name}<" not in listing
    unknown = as_admin.get("/customers/?segment=nobody&on=2026-03-10")
    assert unknown.status_code == 200 and b'id="segment-shown"' not in unknown.data
    today = datetime.now(SHOP).date().isoformat()
    assert f"as of {today}" in as_admin.get("/customers/?segment=lost&on=x").get_data(as_text=True)

    # the search box searches within the segment (its form keeps the segment)
    row = shown[0]
    inside, outside = sorted(names[row.key])[0], sorted(names[shown[1].key])[0]
    link = f"/customers/?segment={row.key}&on=2026-03-10"
    assert 'name="segment" value="' + row.key + '"' in as_admin.get(link).get_data(as_text=True)
    assert f">{inside}<" in as_admin.get(f"{link}&q={inside}").get_data(as_text=True)
    assert f">{outside}<" not in as_admin.get(f"{link}&q={outside}").get_data(as_text=True)


def test_every_table_downloads_as_csv_and_xlsx(app, as_admin, make_shop, staff):
    with app.app_context():
        customers_shop(make_shop, staff)
        report = customers_report(customers_query(ARGS, TODAY))
    text = as_admin.get("/reports/customers/periods.csv", query_string=ARGS).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["Period", "Customers", "New", "Returning"]
    assert [int(row[2]) for row in rows[1:]] == [p.new for p in report.periods]
    segments = as_admin.get("/reports/customers/segments.xlsx", query_string=ARGS)
    sheet = load_workbook(io.BytesIO(segments.data)).active
    counts = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert counts == [s.customers for s in report.segments]
    for table in ("cohorts", "top"):
        for fmt in ("csv", "xlsx"):
            download = as_admin.get(f"/reports/customers/{table}.{fmt}", query_string=ARGS)
            assert download.status_code == 200 and len(download.data) > 20


def test_the_page_its_fragment_and_who_may_open_it(app, client, staff, login):
    login(staff)
    assert client.get("/reports/customers").status_code == 403
    assert client.get("/reports/customers/top.csv").status_code == 403
    app.config["REPORTS_FOR_STAFF"] = True
    page = client.get("/reports/customers", headers=EN)
    assert page.status_code == 200
    assert page.data.count(b'role="img"') == 2 and b'id="table-cohorts"' in page.data
    fragment = client.get("/reports/customers", headers=EN | HTMX)
    assert b"<html" not in fragment.data and b'id="customers-report"' in fragment.data


ODD = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["2026-02-30", "0001-01-01", "9999-12-31", "-1", "99999999999999", "week"]),
    st.dates().map(date.isoformat),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.dictionaries(st.sampled_from(["from", "to", "group", "activity"]), ODD))
def test_odd_parameters_never_fail_and_bad_ones_are_shown(as_admin, values):
    page = as_admin.get("/reports/customers", query_string=values)
    if any("\x00" in value for value in values.values()):
        assert page.status_code == 400
        return
    assert page.status_code == 200
    query = customers_query(values, TODAY)
    for name in query.bad:
        assert f'id="report-{name}-error"'.encode() in page.data or name == "group"
