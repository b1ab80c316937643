"""Reports benchmark (issue 18): server time of /reports/sales, /reports/customers,
/reports/products and /reports/funnel with 100,000 orders of 20,000 customers.

    .venv/bin/python bench/reports.py            # SQLite, in a scratch file
    BENCH_DATABASE_URL=postgresql://… .venv/bin/python bench/reports.py   # and PostgreSQL

Builds the demo shop and `BENCH_ORDERS` (100,000) generated orders of `BENCH_CUSTOMERS`
(20,000) people over 90 days as bench/board.py does, recounts the sales rollups (`reports
rebuild`, timed), adds the funnel's form views of 90 days (`FUNNEL_MINUTES` minutes with views a
day for each activity), signs in and times each report through the Flask test client (rendering
included, no network): p50/p95/max in milliseconds against the budget (p95 < 300 ms).

Right before each page the **reference** (`GET /healthz`: the app's own cost and one trivial
query, no session) is timed five times as often, so each page stands beside the reference's p50
and p95 of the same moment and the ratios (p50 to p50, p95 to p95), which a shared machine's
load moves less than either figure. The CPU time the request's thread spent (SQLite's work
included, PostgreSQL's server not) is measured on the same requests. A second reference, one
indexed query (a shop day's CustomerDay rows counted), is timed at the end. `BENCH_RUNS`
(default 40) sets the runs per page.
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scratch_schema
from board import ORDERS, RUNS, build_shop, machine, p95, signed_in, timed_query
from peewee import fn

from app import create_app
from models import db
from models.activities.template import FormTemplate
from models.base import utcnow
from models.db import is_postgres
from models.reports.recount import rebuild
from models.reports.rollups import CustomerDay, FunnelMinute
from models.shop_time import shop_day, shop_today

BUDGET = 300.0
CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", 20_000))
FUNNEL_MINUTES = 480


def cases(app) -> list[tuple[str, str]]:
    with app.app_context():
        today = shop_today()
    ago = {days: (today - timedelta(days=days)).isoformat() for days in (29, 89, 364)}
    return [
        ("default: last 30 days by day", "/reports/sales"),
        ("90 days by week", f"/reports/sales?from={ago[89]}&group=week"),
        ("a year by month", f"/reports/sales?from={ago[364]}&group=month"),
        ("90 days, one activity", f"/reports/sales?from={ago[89]}&activity=1"),
        ("90 days, one pickup point", f"/reports/sales?from={ago[89]}&point=1"),
        ("90 days, not paid", f"/reports/sales?from={ago[89]}&method=none"),
        ("90 days, entered by staff", f"/reports/sales?from={ago[89]}&source=staff"),
        ("htmx fragment, 90 days", f"/reports/sales?from={ago[89]}#htmx"),
        ("products table as XLSX, 90 days", f"/reports/sales/products.xlsx?from={ago[89]}"),
        ("customers: default, last 30 days", "/reports/customers"),
        ("customers: 90 days by week", f"/reports/customers?from={ago[89]}&group=week"),
        ("customers: a year by month", f"/reports/customers?from={ago[364]}&group=month"),
        ("customers: segments as XLSX", "/reports/customers/segments.xlsx"),
        ("customers: 90 days, one activity", f"/reports/customers?from={ago[89]}&activity=1"),
        ("products: default, last 30 days", "/reports/products"),
        ("products: 90 days, slow movers over 7 days", f"/reports/products?from={ago[89]}&idle=7"),
        ("products: 90 days, one activity", f"/reports/products?from={ago[89]}&activity=1"),
        ("products: slow movers as XLSX", "/reports/products/slow.xlsx"),
        ("funnel: 90 days", f"/reports/funnel?from={ago[89]}"),
        ("funnel: 90 days, one activity", f"/reports/funnel?from={ago[89]}&activity=1"),
    ]


def add_form_views() -> int:
    """FunnelMinute rows for the last 90 days: FUNNEL_MINUTES minutes a day per activity."""
    moment = utcnow().replace(second=0, microsecond=0)
    activities = [row.id for row in FormTemplate.select(FormTemplate.id)]
    rows = [
        dict(
            activity=activity,
            minute=moment - timedelta(minutes=minute),
            day=shop_day(moment - timedelta(minutes=minute)),
            views=1 + minute % 7,
            starts=minute % 3,
        )
        for activity in activities
        for minute in range(0, 90 * 1440, 1440 // FUNNEL_MINUTES)
    ]
    with db.atomic():
        for start in range(0, len(rows), 500):
            FunnelMinute.insert_many(rows[start : start + 500]).execute()
    return len(rows)


def timed_twice(call, runs: int = RUNS) -> tuple[list[float], list[float]]:
    """Milliseconds per request by the wall clock and by the CPU time of this thread."""
    for _ in range(3):
        call()
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.thread_time()
        response = call()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        assert response.status_code == 200, response.status_code
    return wall, cpu


def measure(app) -> list:
    """(label, wall times, CPU times, the reference's wall times just before) per page."""
    client = signed_in(app)
    reference = app.test_client()
    results = []
    for label, url in cases(app):
        headers = {"HX-Request": "true"} if url.endswith("#htmx") else {}
        url = url.removesuffix("#htmx")
        before, _ = timed_twice(lambda: reference.get("/healthz"), RUNS * 5)
        wall, cpu = timed_twice(lambda u=url, h=headers: client.get(u, headers=h))
        results.append((label, wall, cpu, before))
    return results


def indexed_query() -> list[float]:
    """The second reference: one indexed query, a shop day's CustomerDay rows counted."""
    today = shop_today()
    count = CustomerDay.select(fn.COUNT(CustomerDay.id)).where(CustomerDay.day == today)
    return timed_query(lambda: count.scalar() is not None)


def report(title: str, results, query: list[float]) -> None:
    print(f"\n### {title}\n")
    print(
        "| page | p50 ms | p95 ms | max ms | budget | CPU p95 ms | reference p50 / p95 ms "
        "| p50 ÷ reference p50 | p95 ÷ reference p95 |"
    )
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|")
    for label, wall, cpu, before in results:
        mark = f"{'✓' if p95(wall) < BUDGET else '✗'} < {BUDGET:.0f}"
        print(
            f"| {label} | {statistics.median(wall):.1f} | {p95(wall):.1f} | {max(wall):.1f} "
            f"| {mark} | {p95(cpu):.1f} | {statistics.median(before):.2f} / {p95(before):.2f} "
            f"| {statistics.median(wall) / statistics.median(before):.0f} "
            f"| {p95(wall) / p95(before):.0f} |"
        )
    print(
        f"\nReference 2, one indexed query (a day's CustomerDay rows counted), {len(query)} runs: "
        f"p50 {statistics.median(query):.2f} ms, p95 {p95(query):.2f} ms."
    )


def run(url: str, title: str) -> None:
    print(f"{title}: building the shop…", flush=True)
    app = create_app(
        DATABASE_URL=url, SECRET_KEY="bench", RATELIMIT_ENABLED=False, REPORTS_FOR_STAFF=True
    )
    build_shop(app, CUSTOMERS)
    with app.app_context():
        started = time.perf_counter()
        buckets = rebuild()
        print(f"  recounted {buckets} buckets in {time.perf_counter() - started:.1f} s", flush=True)
        print(f"  added {add_form_views():,} minutes of form views", flush=True)
        customers = CustomerDay.select(CustomerDay.customer).distinct().count()
        version = db.execute_sql(
            "SELECT version()" if is_postgres() else "SELECT sqlite_version()"
        ).fetchone()[0]
        db.close()
    load = os.getloadavg()[0]
    results = measure(app)
    with app.app_context():
        query = indexed_query()
        db.close()
    title = (
        f"{title} ({version.split(' on ')[0]}), {ORDERS:,} orders of {customers:,} customers, "
        f"{RUNS} runs"
    )
    report(f"{title}, load average {load:.1f} → {os.getloadavg()[0]:.1f}", results, query)


def main() -> None:
    print(f"# Reports benchmark · {machine()} · load average {os.getloadavg()[0]:.1f}")
    scratch_schema.on_each_database(run, "reports")


if __name__ == "__main__":
    main()
