"""/reports/funnel: form views and starts counted a minute at a time in each process, written by
upserts that add up across processes; orders from the sales rollup; odd URLs never fail."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from models.reports import funnel_counter
from models.reports.funnel import funnel_report
from models.reports.funnel_counter import _upsert, count_start, count_view, flush
from models.reports.recount import rebuild
from models.reports.rollups import FunnelMinute
from models.reports.sales import SalesQuery
from tests.helpers import EN, HTMX, hidden_inputs, race

MOMENT = datetime(2026, 3, 5, 2, 0, 30, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture(autouse=True)
def empty_counter():
    """The counter is the process's: each test starts from nothing and leaves nothing."""
    flush_nothing = (funnel_counter._views, funnel_counter._starts, funnel_counter._seen)
    for kept in flush_nothing:
        kept.clear()
    yield
    for kept in flush_nothing:
        kept.clear()


@pytest.fixture
def shop(app_context, make_shop):
    return make_shop(
        products={"apples": {"on_hand": 50, "price": 1250, "name": "Apples"}},
        points={"point": {"name": "East gate"}},
    )


def open_form(client, slug: str) -> dict:
    response = client.get(f"/f/{slug}", headers=EN)
    assert response.status_code == 200
    return hidden_inputs(response.get_data(as_text=True))


def stored() -> dict:
    return {
        (row.activity, row.minute, row.day): (row.views, row.starts)
        for row in FunnelMinute.select()
    }


def test_a_minute_is_written_once_it_is_over_and_a_start_counts_once_per_page(app_context):
    with time_machine.travel(MOMENT, tick=False):
        for _ in range(3):
            count_view(7)
        count_start(7, "page-a")
        count_start(7, "page-a")  # the same page again: a second change, or a re-sent form
        count_start(7, "page-b")
        assert flush() == 0  # the minute is still being counted
    with time_machine.travel(MOMENT + timedelta(seconds=40), tick=False):
        count_view(7)
        assert flush() == 1  # 10:00 is over; 10:01 waits
    minute = datetime(2026, 3, 5, 2, 0)
    assert stored() == {(7, minute, minute.date()): (3, 2)}
    with time_machine.travel(MOMENT + timedelta(minutes=5), tick=False):
        assert flush(everything=True) == 1
    assert stored()[(7, minute + timedelta(minutes=1), minute.date())] == (1, 0)


def test_a_shop_day_is_the_shop_clocks(app_context):
    late = datetime(2026, 3, 5, 16, 30, tzinfo=UTC)  # 00:30 on 6 March in Shanghai
    with time_machine.travel(late, tick=False):
        count_view(7)
        flush(everything=True)
    assert [row.day.isoformat() for row in FunnelMinute.select()] == ["2026-03-06"]


def test_workers_writing_the_same_minute_add_up(app, app_context):
    """Each process writes its own count of a minute: the upserts add, none is lost."""
    minute = datetime(2026, 3, 5, 2, 0)

    def write(i):
        _upsert([dict(activity=7, minute=minute, day=minute.date(), views=1, starts=i % 2)])

    results = race(app, 8, write)
    assert all(outcome == "ok" for outcome, _ in results), results
    assert stored() == {(7, minute, minute.date()): (8, 4)}


def test_views_starts_and_orders_of_the_form_reach_the_report(app, client, shop, admin, login):
    slug = shop["version"].template.slug
    with time_machine.travel(MOMENT, tick=False):
        for _ in range(4):
            hidden = open_form(client, slug)
        client.get(f"/f/{slug}", headers={**EN, **HTMX})  # htmx swapping the page: no view
        ping = {"checkout-key": hidden["checkout-key"]}
        assert client.post(f"/f/{slug}/started", data=ping, headers=HTMX).status_code == 400
        ping["csrf_token"] = hidden["csrf_token"]  # without it, nothing is counted
        assert client.post(f"/f/{slug}/started", data=ping, headers=HTMX).status_code == 204
        other = open_form(client, slug)
        order = {
            **hidden,
            "name": "王小明",
            "phone": "138 0013 8000",
            f"items-{shop['apples'].id}": "2",
            "checkout-method": str(shop["point"].id),
        }
        assert client.post(f"/f/{slug}", data=order).status_code == 303
        client.post(f"/f/{slug}/started", data={**ping, "checkout-key": other["checkout-key"]})
        rebuild()
    with time_machine.travel(MOMENT + timedelta(minutes=2), tick=False):
        report = funnel_report(SalesQuery.from_args({"from": "2026-03-01"}, MOMENT.date()))
        assert report.total.views == 0  # still in the process, not written yet
        login(admin)
        page = client.get("/reports/funnel?from=2026-03-01&to=2026-03-05", headers=EN)
    assert page.status_code == 200  # which writes this process's finished minutes first
    html = page.get_data(as_text=True)
    for figure, value in (("views", 5), ("starts", 2), ("orders", 1)):
        assert f'id="funnel-{figure}">{value}<' in html
    report = funnel_report(
        SalesQuery.from_args({"from": "2026-03-01", "to": "2026-03-05"}, MOMENT.date())
    )
    assert (report.total.views, report.total.starts, report.total.orders) == (5, 2, 1)
    assert [step.count for step in report.steps] == [5, 2, 1]
    (row,) = report.activities
    assert (row.started_rate, row.order_rate) == (40, 20)


def test_the_table_downloads_and_odd_urls_never_fail(app, client, shop, admin, login):
    login(admin)
    csv = client.get("/reports/funnel/table.csv?from=2026-03-01", headers=EN)
    assert csv.status_code == 200
    assert csv.get_data(as_text=True).lstrip("\ufeff").startswith("Activity,Form views,Started")
    assert client.get("/reports/funnel/table.xlsx", headers=EN).status_code == 200
    for query in ("from=0001-01-01", "to=9999-99-99", "activity=-3", "from=2026-02-30&to=x"):
        response = client.get(f"/reports/funnel?{query}", headers=EN)
        assert response.status_code == 200, query
        assert "left out" in response.get_data(as_text=True)
    assert client.post("/f/no-such-form/started", data={}).status_code in (400, 404)
