"""/reports/sales: the figures equal a direct SQL recount, odd URLs never fail, tables download."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order
from models.orders.payments import record_payment, refund_order
from models.orders.status import OrderSource, OrderStatus
from models.reports.recount import rebuild
from models.reports.sales import SalesQuery, sales_report
from tests.factories import order_for
from tests.helpers import EN, HTMX
from tests.reports.oracle import recount

SHOP = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 3, 10)


def sales_shop(make_shop, staff) -> dict:
    """Orders over ten days: some paid by cash or WeChat, one cancelled, one refunded."""
    shop = make_shop(
        products={
            "apples": {"on_hand": 900, "price": 1250, "name": "Apples", "cost_price": 1000},
            "pears": {"on_hand": 900, "price": 300, "name": "Pears"},
        },
        points={"north": {"name": "North"}},
    )
    actor = Actor.of_user(staff)
    for n in range(30):
        moment = datetime(2026, 3, 1, 1, tzinfo=UTC) + timedelta(hours=7 * n)
        with time_machine.travel(moment, tick=False):
            order = order_for(
                shop["version"],
                [(shop["apples"], 1 + n % 3), (shop["pears"], 1 + n % 2)],
                pickup_point=shop["north"] if n % 2 else None,
            )
            if n % 3 == 0:
                record_payment(order, None, "wechat" if n % 2 else "cash", actor, order.version)
            if n == 6:
                refund_order(order, actor, order.version + 1)
            if n == 7:
                transition_order(order, OrderStatus.CANCELLED, actor)
            if n % 5 == 0:  # a phone call or a walk-in: entered by staff
                Order.update(source=OrderSource.STAFF).where(Order.id == order.id).execute()
    rebuild()
    return shop


def test_the_report_equals_a_direct_sql_recount(app_context, make_shop, staff):
    shop = sales_shop(make_shop, staff)
    activity = shop["version"].template_id
    hours, products = recount(activity, SHOP)
    report = sales_report(SalesQuery.from_args({"from": "2026-03-01", "to": "2026-03-10"}, TODAY))
    assert report.total.now.orders == sum(v for k, v in hours.items() if k[-1] == "orders") == 29
    assert report.total.now.revenue == sum(v for k, v in hours.items() if k[-1] == "revenue")
    assert report.total.now.refunds == sum(v for k, v in hours.items() if k[-1] == "refunds") > 0
    assert sum(row.now.orders for row in report.periods) == 29
    assert {p.label: p.units for p in report.products} == {
        name: sum(v for k, v in products.items() if k[5] == name and k[-1] == "units")
        for name in ("Apples", "Pears")
    }
    by_method = {row.key: row.now.orders for row in report.methods}
    assert by_method == {
        method: sum(v for k, v in hours.items() if k[3] == method and k[-1] == "orders")
        for method in {k[3] for k in hours}
    }
    heat = sum(map(sum, report.heat))
    assert heat == 29
    assert report.total.before.orders == 0  # nothing in the ten days before

    cash = sales_report(SalesQuery.from_args({"from": "2026-03-01", "method": "cash"}, TODAY))
    assert cash.total.now.orders == by_method["cash"]

    apples, pears = sorted(report.products, key=lambda p: p.label)
    apples_sold = sum(v for k, v in products.items() if k[5] == "Apples" and k[-1] == "units")
    assert (apples.margin, apples.margin_percent) == (apples_sold * 250, 20)
    assert (pears.margin, pears.margin_percent) == (None, None)  # no cost price: no margin
    assert report.has_costs

    by_source = {row.key: row.now.orders for row in report.sources}
    assert by_source == {"staff": 6, "form": 23}  # n = 0, 5 … 25 entered by staff; n = 7 cancelled
    staff_entered = sales_report(
        SalesQuery.from_args({"from": "2026-03-01", "source": "staff"}, TODAY)
    )
    assert staff_entered.total.now.orders == 6
    assert {p.label: p.orders for p in staff_entered.products} == {"Apples": 6, "Pears": 6}


def test_staff_open_it_only_when_the_setting_says_so(app, client, staff, login):
    login(staff)
    assert client.get("/reports/sales").status_code == 403
    assert client.get("/reports/sales/hours.csv").status_code == 403
    app.config["REPORTS_FOR_STAFF"] = True
    assert client.get("/reports/sales").status_code == 200


def test_admins_get_the_page_or_its_fragment(client, as_admin):
    page = client.get("/reports/sales", headers=EN)
    assert page.status_code == 200
    assert b'role="img"' in page.data and b"<table" in page.data
    fragment = client.get("/reports/sales", headers=EN | HTMX)
    assert b"<html" not in fragment.data and b'id="sales"' in fragment.data


ODD = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["2026-02-30", "0001-01-01", "9999-12-31", "-1", "1e9", "99999999999999", "day"]
    ),
    st.dates().map(date.isoformat),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=st.dictionaries(
        st.sampled_from(["from", "to", "group", "activity", "point", "method", "source"]), ODD
    )
)
def test_odd_parameters_never_fail_and_bad_ones_are_shown(as_admin, values):
    page = as_admin.get("/reports/sales", query_string=values)
    if any("\x00" in value for value in values.values()):  # refused by every page (params.py)
        assert page.status_code == 400
        return
    assert page.status_code == 200
    query = SalesQuery.from_args(values, TODAY)
    assert query.start <= query.end and query.days <= 3 * 366
    for name in query.bad:
        assert (
            f'id="report-{name}-error"'.encode() in page.data or name == "group"
        )  # a fixed choice falls back to days


def test_a_bad_day_is_left_out_and_shown(as_admin):
    page = as_admin.get("/reports/sales?from=2026-02-30&point=x").get_data(as_text=True)
    assert 'value="2026-02-30" aria-invalid="true"' in page
    assert 'id="report-point-error"' in page


def test_every_table_downloads_as_csv_and_xlsx(app, as_admin, make_shop, staff):
    with app.app_context():
        sales_shop(make_shop, staff)
    args = "from=2026-03-01&to=2026-03-10&group=week"
    rows = list(
        csv.reader(
            io.StringIO(
                as_admin.get(f"/reports/sales/products.csv?{args}")
                .get_data(as_text=True)
                .lstrip("\ufeff")
            )
        )
    )
    assert rows[0] == [
        "Product",
        "Orders",
        "Units",
        "Revenue",
        "Refunds",
        "Margin",
        "Margin, percent",
    ]
    margins = {row[0]: row[5:] for row in rows[1:]}
    assert margins["Apples"][1] == "20" and margins["Pears"] == ["", ""]
    periods = list(
        csv.reader(
            io.StringIO(
                as_admin.get(f"/reports/sales/periods.csv?{args}")
                .get_data(as_text=True)
                .lstrip("\ufeff")
            )
        )
    )
    assert [row[0] for row in periods[1:]] == ["2026-02-23", "2026-03-02", "2026-03-09"]
    assert sum(int(row[1]) for row in periods[1:]) == 29
    for table in ("periods", "activities", "products", "points", "methods", "sources", "hours"):
        download = as_admin.get(f"/reports/sales/{table}.xlsx?{args}")
        assert download.status_code == 200
        sheet = load_workbook(io.BytesIO(download.data)).active
        assert sheet.max_row >= 2
    hours = load_workbook(io.BytesIO(as_admin.get(f"/reports/sales/hours.xlsx?{args}").data)).active
    assert (
        sum(c for row in hours.iter_rows(min_row=2, min_col=2, values_only=True) for c in row) == 29
    )
