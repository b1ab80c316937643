"""/reports/products: sell-through, turnover, slow movers and stock value equal a direct SQL
recount of the orders and stock; tables download; odd URLs never fail."""

import csv
import io
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from models.db import db
from models.orders.lifecycle import Actor, transition_order
from models.orders.status import OrderStatus
from models.reports.products import ProductsQuery, products_report
from models.reports.recount import rebuild
from tests.factories import order_for
from tests.helpers import EN, HTMX
from tests.reports.oracle import _moment, _sql

SHOP = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 3, 10)
ARGS = {"from": "2026-03-01", "to": "2026-03-10", "idle": "5"}


def products_shop(make_shop, staff) -> dict:
    """Apples sell every day, pears only on the first two days, plums never (in stock), figs
    never (none in stock); one order cancelled."""
    shop = make_shop(
        products={
            "apples": {"on_hand": 900, "price": 1250, "name": "Apples"},
            "pears": {"on_hand": 300, "price": 300, "name": "Pears"},
            "plums": {"on_hand": 40, "price": 800, "name": "Plums", "cost_price": 500},
            "figs": {"on_hand": 0, "price": 900, "name": "Figs"},
        }
    )
    for n in range(20):
        moment = datetime(2026, 3, 1, 1, tzinfo=UTC) + timedelta(hours=11 * n)
        items = [(shop["apples"], 1 + n % 3)]
        if n < 4:
            items.append((shop["pears"], 2))
        with time_machine.travel(moment, tick=False):
            order = order_for(shop["version"], items)
            if n == 5:
                transition_order(order, OrderStatus.CANCELLED, Actor.of_user(staff))
    rebuild()
    return shop


SOLD = """
SELECT l.product_id, o.created_at, l.quantity, l.quantity * l.unit_price
FROM order_line l JOIN "order" o ON o.id = l.order_id WHERE o.status <> %s
"""


def recount(start: date, end: date) -> tuple[Counter, Counter, dict, dict]:
    """Units and revenue by product in [start, end], the last day each sold, and on hand."""
    units, revenue, last = Counter(), Counter(), {}
    for product, created_at, quantity, total in db.execute_sql(_sql(SOLD), ("cancelled",)):
        day = _moment(created_at, SHOP).date()
        if day <= end and quantity:
            last[product] = max(last.get(product, day), day)
        if start <= day <= end:
            units[product] += quantity
            revenue[product] += total
    on_hand = dict(
        db.execute_sql("SELECT product_id, SUM(on_hand) FROM stock GROUP BY product_id").fetchall()
    )
    return units, revenue, last, {p: int(n) for p, n in on_hand.items()}


def test_the_report_equals_a_direct_sql_recount(app_context, make_shop, staff):
    shop = products_shop(make_shop, staff)
    report = products_report(ProductsQuery.from_args(ARGS, TODAY))
    units, revenue, last, on_hand = recount(date(2026, 3, 1), date(2026, 3, 10))
    assert {p.product: p.units for p in report.products} == dict(units)
    assert {p.product: p.revenue for p in report.products} == dict(revenue)
    apples = next(p for p in report.products if p.label == "Apples")
    assert apples.on_hand == on_hand[shop["apples"].id]
    assert apples.sell_through == round(apples.units * 100 / (apples.units + apples.on_hand))
    assert apples.per_day == apples.units / 10
    assert apples.days_of_stock == round(apples.on_hand / (apples.units / 10))
    assert apples.stock_value == apples.on_hand * 1250

    (activity,) = report.activities
    assert activity.units == sum(units.values())
    assert activity.on_hand == on_hand[shop["apples"].id] + on_hand[shop["pears"].id]

    since = date(2026, 3, 6)
    expected = {p for p, n in on_hand.items() if n > 0 and not (last.get(p, date.min) >= since)}
    assert {row.product for row in report.slow} == expected
    assert {row.label for row in report.slow} == {"Pears", "Plums"}
    pears = next(row for row in report.slow if row.label == "Pears")
    assert pears.last_sold == last[shop["pears"].id]
    plums = next(row for row in report.slow if row.label == "Plums")
    assert plums.last_sold is None and plums.stock_value == 40 * 500  # at cost
    assert report.stock_value == sum(
        n * {"Apples": 1250, "Pears": 300, "Plums": 500, "Figs": 900}[name]
        for name, n in (
            (name, on_hand[shop[key].id])
            for key, name in (("apples", "Apples"), ("pears", "Pears"), ("plums", "Plums"))
        )
    )
    wider = products_report(ProductsQuery.from_args(ARGS | {"idle": "30"}, TODAY))
    assert {row.label for row in wider.slow} == {"Plums"}


def test_tables_download_and_the_page_says_how_stock_is_valued(app, as_admin, make_shop, staff):
    with app.app_context():
        products_shop(make_shop, staff)
    page = as_admin.get("/reports/products", query_string=ARGS, headers=EN)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'role="img"' in text
    assert "valued at cost price" in text and 'id="table-slow"' in text
    fragment = as_admin.get("/reports/products", query_string=ARGS, headers=EN | HTMX)
    assert b"<html" not in fragment.data and b'id="products-report"' in fragment.data
    body = as_admin.get("/reports/products/slow.csv", query_string=ARGS).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == ["Product", "On hand", "Last sold", "Stock value"]
    assert {row[0] for row in rows[1:]} == {"Pears", "Plums"}
    for table in ("products", "activities", "slow"):
        download = as_admin.get(f"/reports/products/{table}.xlsx", query_string=ARGS)
        assert download.status_code == 200
        assert load_workbook(io.BytesIO(download.data)).active.max_row >= 2


def test_staff_open_it_only_when_the_setting_says_so(app, client, staff, login):
    login(staff)
    assert client.get("/reports/products").status_code == 403
    assert client.get("/reports/products/slow.csv").status_code == 403
    app.config["REPORTS_FOR_STAFF"] = True
    assert client.get("/reports/products").status_code == 200


ODD = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["2026-02-30", "0001-01-01", "0", "366", "-1", "99999999999999", "30"]),
    st.dates().map(date.isoformat),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.dictionaries(st.sampled_from(["from", "to", "activity", "idle"]), ODD))
def test_odd_parameters_never_fail_and_bad_ones_are_shown(as_admin, values):
    page = as_admin.get("/reports/products", query_string=values)
    if any("\x00" in value for value in values.values()):
        assert page.status_code == 400
        return
    assert page.status_code == 200
    query = ProductsQuery.from_args(values, TODAY)
    assert 1 <= query.idle <= 365
    for name in query.sales.bad:
        assert f'id="report-{name}-error"'.encode() in page.data
