"""Board benchmark (issue 4): server time of the staff board with 100,000 orders.

    .venv/bin/python bench/board.py            # SQLite, in a scratch file
    BENCH_DATABASE_URL=postgresql://… .venv/bin/python bench/board.py   # and PostgreSQL

Builds the demo shop and `BENCH_ORDERS` (100,000) generated orders in a scratch SQLite file (and,
with BENCH_DATABASE_URL, in a throwaway schema of that PostgreSQL database), signs in as staff
and times each request through the Flask test client: rendering included, no network. Prints
p50/p95/max per page in milliseconds and marks each against its budget (board pages p95 ≤ 60 ms,
an unchanged poll p95 < 5 ms). Each page is timed twice: on an unchanged board (whose counts per
status a worker keeps, models/board/kept_counts.py) and right after an order changed each time
(the counts read again, as on a busy board). After each page request, in the same loop, it times a reference:
one order read by its primary key through the app's own pooled connection (the statement built
once, the query and its fetch alone), and prints each page's p95 beside the reference's and as a
ratio to it, so the figure carries from one machine (or load) to another. Beside the poll, measured in the same run: a reference request
(/healthz: the app's own cost and one trivial query), both again in the CPU time of the app's
thread (which a loaded machine does not inflate; on PostgreSQL it leaves out the server's
part), the poll's query alone, and what the triggers that number every order write cost an
UPDATE (with them, and switched off).
`BENCH_RUNS` (default 40) sets the runs per page.
"""

import os
import platform
import random
import re
import statistics
import sys
import time
from datetime import timedelta
from html import unescape
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scratch_schema

from app import create_app
from commands.demo.order_generator import generate_orders
from commands.demo.shop import build_catalog, build_templates
from models import Order, User, db
from models.board.queries import Cursor
from models.db import is_postgres
from models.orders.changes import unchanged, watch_now
from models.schema import upgrade
from models.shop_time import shop_today

ORDERS = int(os.environ.get("BENCH_ORDERS", 100_000))
RUNS = int(os.environ.get("BENCH_RUNS", 40))
CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", 0)) or None  # one per 20 orders by default
PASSWORD = "bench-password-1"
PAGE_BUDGET, POLL_BUDGET = 60.0, 5.0


def build_shop(app, customers: int | None = CUSTOMERS) -> None:
    with app.app_context():
        upgrade()
        admin = User.register("admin@example.com", "店长 Admin", PASSWORD, role="admin")
        User.register("staff@example.com", "店员 Staff", PASSWORD, role="staff")
        build_templates(build_catalog(), admin)
        started = time.perf_counter()
        generate_orders(ORDERS, random.Random(1), customers=customers)
        print(f"  generated {ORDERS} orders in {time.perf_counter() - started:.0f} s", flush=True)
        # What PostgreSQL's autovacuum does after a load like this; SQLite keeps its statistics.
        db.execute_sql("VACUUM ANALYZE" if is_postgres() else "ANALYZE")
        db.close()


def signed_in(app, email: str = "staff@example.com"):
    """A test client signed in as the demo shop's `email` (its pages in Chinese)."""
    client = app.test_client()
    client.set_cookie("locale", "zh_CN")
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"csrf_token": token, "email": email, "password": PASSWORD}
    )
    assert response.status_code == 302, f"{email} could not sign in"
    return client


def cases(app) -> list[tuple[str, str]]:
    """(label, URL) of the board pages measured, built from the generated data."""
    with app.app_context():
        phone = Order.select().order_by(Order.id).first().customer.phone
        name = Order.select().order_by(Order.id.desc()).first().customer.name
        number = Order.select(Order.number).order_by(Order.id).offset(ORDERS // 2).scalar()
        deep = (
            Order.select()
            .order_by(Order.created_at.desc(), Order.id.desc())
            .offset(ORDERS * 9 // 10)
            .first()
        )
        address = Order.select().where(Order.address != "").order_by(Order.id).first().address
        week_ago = (shop_today() - timedelta(days=7)).isoformat()
        db.close()
    cursor = str(Cursor.of(deep))
    return [
        ("default: today's open orders", "/board/"),
        ("all orders, first page", "/board/?created=all"),
        ("all orders, page at 90% depth (keyset)", f"/board/?created=all&after={cursor}"),
        ("status pending, all dates", "/board/?status=pending"),
        ("status completed + cancelled", "/board/?status=completed&status=cancelled"),
        ("activity + last 7 days", f"/board/?template=1&from={week_ago}"),
        ("pickup point + status ready", "/board/?pickup=1&status=ready"),
        ("unassigned, all dates", "/board/?assignee=none&created=all"),
        (
            "mine + open statuses",
            "/board/?assignee=mine&status=pending&status=confirmed&status=processing&status=ready",
        ),
        ("unpaid, total 50–200 yuan", "/board/?payment=unpaid&min=50&max=200"),
        ("search: phone last 4", f"/board/?q={phone[-4:]}&created=all"),
        (
            "search: phone as typed",
            f"/board/?q={phone[3:6]}+{phone[6:10]}+{phone[10:]}&created=all",
        ),
        ("search: customer name", f"/board/?q={name}&created=all"),
        ("search: answer text, one address", f"/board/?q={quote(address)}&created=all"),
        ("search: answer text in 1 of 6 orders", "/board/?q=bigger+ones&created=all"),
        ("search: order number", f"/board/?q={number}&created=all"),
        (
            "everything combined",
            f"/board/?status=ready&status=completed&template=1&pickup=1&payment=paid&min=10&from={week_ago}&q=afternoon",
        ),
        ("columns view, default", "/board/?view=columns"),
        ("columns view, all orders", "/board/?view=columns&created=all"),
        ("load more (htmx), 90% depth", f"/board/?created=all&after={cursor}#htmx"),
    ]


def timed(call, runs: int = RUNS, clock=time.perf_counter) -> list[float]:
    """Milliseconds per request by `clock`: the wall clock, or time.thread_time for the CPU time
    the app spends (what a loaded machine's waiting for a core leaves out)."""
    for _ in range(3):
        call()
    times = []
    for _ in range(runs):
        started = clock()
        response = call()
        times.append((clock() - started) * 1000)
        assert response.status_code in (200, 204), response.status_code
    return times


def with_reference(
    call, reference, runs: int = RUNS, before=lambda: None
) -> tuple[list[float], list, list]:
    """Milliseconds per request of `call` by the wall clock and in the CPU time of the app's
    thread (what waiting for a core, or for PostgreSQL, leaves out), and right after each
    request the reference query's; `before` runs, untimed, before each request."""
    for _ in range(3):
        call()
        reference()
    times, cpu, references = [], [], []
    for _ in range(runs):
        before()
        started, used = time.perf_counter(), time.thread_time()
        response = call()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - used) * 1000)
        assert response.status_code in (200, 204), response.status_code
        references.append(reference())
    return times, cpu, references


def reference_query(app):
    """The reference: a function that reads one order (a random one) by its primary key through
    the app's pooled connection and answers the milliseconds the query and its fetch took."""
    with app.app_context():
        ids = [order_id for (order_id,) in Order.select(Order.id).tuples()]
        sql = Order.select(Order.id, Order.number).where(Order.id == 0).sql()[0]
        db.close()
    pick = random.Random(2).choice

    def read_one() -> float:
        order_id = pick(ids)
        with app.app_context(), db.connection_context():
            started = time.perf_counter()
            row = db.execute_sql(sql, (order_id,)).fetchone()
            elapsed = (time.perf_counter() - started) * 1000
        assert row[0] == order_id
        return elapsed

    return read_one


def order_change(app):
    """A function that changes one order (a random one) as staff would, in its own transaction:
    the board's watch moves, so the next page counts again (models/board/kept_counts.py)."""
    with app.app_context():
        ids = [order_id for (order_id,) in Order.select(Order.id).tuples()]
        db.close()
    pick = random.Random(3).choice

    def change() -> None:
        with app.app_context(), db.atomic():
            Order.update(version=Order.version + 1).where(Order.id == pick(ids)).execute()
        db.close()

    return change


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1]


def measure(app) -> tuple[list, list]:
    """(pages beside the reference, the rest); pages are (label, times, budget, references,
    CPU times, times with an order changed before each request)."""
    client = signed_in(app)
    reference, change = reference_query(app), order_change(app)
    pages, results = [], []
    for label, url in cases(app):
        headers = {"HX-Request": "true"} if url.endswith("#htmx") else {}
        url = url.removesuffix("#htmx")
        times, cpu, references = with_reference(
            lambda u=url, h=headers: client.get(u, headers=h), reference
        )
        changed, _, _ = with_reference(
            lambda u=url, h=headers: client.get(u, headers=h), reference, before=change
        )
        pages.append((label, times, PAGE_BUDGET, references, cpu, changed))
    page = client.get("/board/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    poll = unescape(re.search(r'id="board-poll"[^>]*hx-post="([^"]+)"', page).group(1))
    shown = re.findall(r'name="shown" value="([^"]+)"', page)
    headers = {"HX-Request": "true", "X-CSRFToken": token}
    results.append(
        (
            "unchanged poll (204)",
            timed(lambda: client.post(poll, data={"shown": shown}, headers=headers), RUNS * 5),
            POLL_BUDGET,
        )
    )
    results.append(
        (
            "reference: GET /healthz (SELECT 1, no session)",
            timed(lambda: app.test_client().get("/healthz"), RUNS * 5),
            None,
        )
    )
    for label, call in (
        (
            "unchanged poll, CPU time",
            lambda: client.post(poll, data={"shown": shown}, headers=headers),
        ),
        ("reference, CPU time", lambda: app.test_client().get("/healthz")),
    ):
        results.append((label, timed(call, RUNS * 5, clock=time.thread_time), None))
    with app.app_context():
        watch = watch_now()
        results.append(
            (
                "the poll's query alone (change_tx index)",
                timed_query(lambda: unchanged(watch)),
                None,
            )
        )
        db.close()
    return pages, results


def timed_query(call, runs: int = RUNS * 5) -> list[float]:
    """Milliseconds per call of a function that answers True (no response to check)."""
    for _ in range(3):
        call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        assert call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def trigger_cost(app, writes: int = 1000, rounds: int = 10) -> list[tuple[str, list[float], None]]:
    """What numbering every order write costs (migration 0014): single-order UPDATEs, each in
    its own transaction as the app writes them, with the triggers and with them switched off,
    in alternating rounds so that a load that moves hits both alike."""
    with app.app_context():
        ids = [i for (i,) in Order.select(Order.id).order_by(Order.id).limit(writes).tuples()]
        off, on = _triggers_off_and_on()
        timings = {True: [], False: []}
        for turn in range(rounds * 2):
            numbered = turn % 2 == 0
            for statement in [] if numbered else off:
                db.execute_sql(statement)
            try:
                for order_id in ids[turn // 2 :: rounds]:
                    started = time.perf_counter()
                    with db.atomic():
                        query = Order.update(version=Order.version + 1)
                        query.where(Order.id == order_id).execute()
                    timings[numbered].append((time.perf_counter() - started) * 1000)
            finally:
                for statement in [] if numbered else on:
                    db.execute_sql(statement)
        db.close()
    return [
        ("order UPDATE, change numbered by trigger", timings[True], None),
        ("order UPDATE, trigger switched off", timings[False], None),
    ]


def _triggers_off_and_on() -> tuple[list[str], list[str]]:
    if is_postgres():
        return (
            ['ALTER TABLE "order" DISABLE TRIGGER order_change_number'],
            ['ALTER TABLE "order" ENABLE TRIGGER order_change_number'],
        )
    created = db.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'order_change_%'"
    ).fetchall()
    return [f"DROP TRIGGER {name}" for name, _ in created], [sql for _, sql in created]


def report_pages(title: str, pages) -> None:
    """Each page's times, the reference read beside it, and its p95 as a multiple of the
    reference's p50 over the whole run (a median of hundreds of reads: steadier than any p95).
    Beside them, the same page viewed right after an order changed each time: what it costs
    when the counts per status are counted again, as on a busy board."""
    everything = [ms for page in pages for ms in page[3]]
    unit = statistics.median(everything)
    print(f"\n### {title}\n")
    print(
        "| page | p50 ms | p95 ms | max ms | CPU p50 / p95 ms | reference beside it, p50 / p95 ms "
        "| p95 ÷ reference | after an order changed, p50 / p95 ms | budget |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for label, times, budget, references, cpu, changed in pages:
        marks = "/".join("✓" if p95(each) <= budget else "✗" for each in (times, changed))
        print(
            f"| {label} | {statistics.median(times):.2f} | {p95(times):.2f} | {max(times):.2f} "
            f"| {statistics.median(cpu):.1f} / {p95(cpu):.1f} "
            f"| {statistics.median(references):.3f} / {p95(references):.3f} "
            f"| {p95(times) / unit:,.0f} "
            f"| {statistics.median(changed):.2f} / {p95(changed):.2f} | {marks} ≤ {budget:.0f} |"
        )
    print(
        f"\nReference: one order read by primary key (the query and its fetch, on the app's "
        f"pooled connection) after each page request: p50 {unit:.3f} ms, p95 "
        f"{p95(everything):.3f} ms over {len(everything)} reads. Slowest page p95 "
        f"{max(p95(page[1]) for page in pages):.1f} ms; after an order changed, "
        f"{max(p95(page[5]) for page in pages):.1f} ms."
    )


def report(title: str, results) -> None:
    print(f"\n{title}: the poll, the references of earlier runs, an order write\n")
    print("| request | p50 ms | p95 ms | max ms | budget |")
    print("|---|---:|---:|---:|---|")
    for label, times, budget in results:
        mark = "" if budget is None else f"{'✓' if p95(times) < budget else '✗'} < {budget:.0f}"
        print(
            f"| {label} | {statistics.median(times):.2f} | {p95(times):.2f} | {max(times):.2f} "
            f"| {mark} |"
        )


def machine() -> str:
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else platform.processor()
    )
    memory = ""
    if Path("/proc/meminfo").exists():
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 2**20:.0f} GiB"
    return f"{os.cpu_count()} cores ({cpu}){memory}, {platform.machine()}, Python {platform.python_version()}"


def run(url: str, title: str) -> None:
    print(f"{title}: building the shop…", flush=True)
    app = create_app(DATABASE_URL=url, SECRET_KEY="bench", RATELIMIT_ENABLED=False)
    build_shop(app)
    with app.app_context():
        version = db.execute_sql(
            "SELECT version()" if is_postgres() else "SELECT sqlite_version()"
        ).fetchone()[0]
        db.close()
    load = os.getloadavg()[0]
    pages, results = measure(app)
    results += trigger_cost(app)
    title = f"{title} ({version.split(' on ')[0]}), {ORDERS:,} orders, {RUNS} runs"
    report_pages(f"{title}, load average {load:.1f} → {os.getloadavg()[0]:.1f}", pages)
    report(title, results)


def main() -> None:
    print(f"# Board benchmark · {machine()} · load average {os.getloadavg()[0]:.1f}")
    scratch_schema.on_each_database(run, "board")


if __name__ == "__main__":
    main()
