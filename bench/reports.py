"""Reports benchmark (issue 18): server time of /reports/sales, /reports/customers and
/reports/funnel with 100,000 orders.

    .venv/bin/python bench/reports.py            # SQLite, in a scratch file
    BENCH_DATABASE_URL=postgresql://… .venv/bin/python bench/reports.py   # and PostgreSQL

Builds the demo shop and `BENCH_ORDERS` (100,000) generated orders over 90 days as bench/board.py
does, recounts the sales rollups (`reports rebuild`, timed), adds the funnel's form views of 90
days (`FUNNEL_MINUTES` minutes with views a day for each activity), signs in and times each report
through the Flask test client (rendering included, no network): p50/p95/max in milliseconds
against the budget (p95 < 300 ms), beside a reference request (/healthz) measured in the same run.
`BENCH_RUNS` (default 40) sets the runs per page.
"""

import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scratch_schema
from board import ORDERS, RUNS, build_shop, machine, report, signed_in, timed

from app import create_app
from models import db
from models.activities.template import FormTemplate
from models.base import utcnow
from models.db import is_postgres
from models.reports.recount import rebuild
from models.reports.rollups import FunnelMinute
from models.shop_time import shop_day, shop_today

BUDGET = 300.0
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


def measure(app) -> list:
    client = signed_in(app)
    results = []
    for label, url in cases(app):
        headers = {"HX-Request": "true"} if url.endswith("#htmx") else {}
        url = url.removesuffix("#htmx")
        results.append((label, timed(lambda u=url, h=headers: client.get(u, headers=h)), BUDGET))
    results.append(
        (
            "reference: GET /healthz",
            timed(lambda: app.test_client().get("/healthz"), RUNS * 5),
            None,
        )
    )
    return results


def run(url: str, title: str) -> None:
    print(f"{title}: building the shop…", flush=True)
    app = create_app(
        DATABASE_URL=url, SECRET_KEY="bench", RATELIMIT_ENABLED=False, REPORTS_FOR_STAFF=True
    )
    build_shop(app)
    with app.app_context():
        started = time.perf_counter()
        buckets = rebuild()
        print(f"  recounted {buckets} buckets in {time.perf_counter() - started:.1f} s", flush=True)
        print(f"  added {add_form_views():,} minutes of form views", flush=True)
        version = db.execute_sql(
            "SELECT version()" if is_postgres() else "SELECT sqlite_version()"
        ).fetchone()[0]
        db.close()
    load = os.getloadavg()[0]
    results = measure(app)
    title = f"{title} ({version.split(' on ')[0]}), {ORDERS:,} orders, {RUNS} runs"
    report(f"{title}, load average {load:.1f} → {os.getloadavg()[0]:.1f}", results)


def main() -> None:
    print(f"# Sales report benchmark · {machine()} · load average {os.getloadavg()[0]:.1f}")
    scratch_schema.on_each_database(run, "reports")


if __name__ == "__main__":
    main()
