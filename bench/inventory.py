"""Inventory benchmark (issue 16, "Concurrency and speed"): server time of the admin products
page and of a product's stock ledger with 5,000 variants in 2 warehouses and 1,000,000 ledger
rows, each page beside references measured in the same run.

    .venv/bin/python bench/inventory.py            # SQLite, in a scratch file
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/inventory.py

The data: 2 warehouses (main and a store), 20 categories, 5,000 sellable products of which about
4,500 are variants (规格) in 1,500 families of 2 to 4 options and the rest plain products, as
models/catalog/variants.py leaves them (bench/inventory_catalog.py), 5 % not for sale, 3 % in no
category; member prices for 1 in 10 products (3 tiers); a stock row per product and warehouse,
and `BENCH_MOVEMENTS` (1,000,000) stock movements over the last 365 days, oldest first,
interleaved across products. The movements are skewed as a shop's are: `HOT` variants (the
fruit of the week, in its boxes) have 40,000 each, the rest share what is left (about 120
each). Each (product, warehouse) starts with a receipt; then orders reserve, are sold or
released, goods are received, written off, counted and transferred, each keeping on hand ≥
reserved ≥ 0, so every stock row is its ledger's sum (checked after the load,
as docs/inventory.md promises). Stock rows at or below the default low-stock mark get
`low_since`, as the movement that took them there would have set it. Rows are written in
batches of 20,000 inside transactions (SQLite: executemany; PostgreSQL: COPY).

Then an admin signs in and each page is timed through the Flask test client (rendering
included, no network), `BENCH_RUNS` (default 40) times: p50/p95/max on the wall clock against
the budget (p95 < 100 ms), and p95 in the CPU time of the app's thread (which a loaded machine
does not inflate; on PostgreSQL it leaves out the server's part). The references, in the same
run: GET /healthz (the app's fixed cost and one trivial query) and one indexed query alone (a
product by its primary key); each page's p50 is also given as a multiple of /healthz's. The
exports of a month of a hot product (thousands of rows) are downloads: timed (a quarter of the
runs) without a budget. PostgreSQL runs in a scratch database (BENCH_DATABASE_URL's role may
CREATE DATABASE), dropped afterwards.
"""

import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from board import PASSWORD, RUNS, machine, p95, signed_in
from inventory_catalog import build_catalog
from inventory_ledger import Streams, load_movements
from submit import scratch_database

from app import create_app
from models import Product, Stock, User, Warehouse, db
from models.base import utcnow
from models.catalog.ledger import StockMovement
from models.catalog.products import Category
from models.db import is_postgres
from models.schema import upgrade

PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", 5_000))
MOVEMENTS = int(os.environ.get("BENCH_MOVEMENTS", 1_000_000))
HOT, HOT_SHARE = 10, 0.4  # products with 40 % of the movements between them
CATEGORIES = 20
BUDGET = 100.0


def build(app) -> dict:
    """The shop: warehouses, categories, families and products, stock rows and the ledger. What
    the cases need: the hot variant, a typical one, a plain product, a family's name to search."""
    rng = random.Random(16)
    with app.app_context():
        upgrade()
        admin = User.register("admin@example.com", "店长 Admin", PASSWORD, role="admin")
        main = Warehouse.default()
        store = Warehouse.create(code="store", name="地铁店 Store", fallback=main)
        warehouses = [main.id, store.id]
        with db.atomic():
            Category.insert_many(
                [{"name": f"类别 Category {n}", "position": n} for n in range(CATEGORIES)]
            ).execute()
        categories = [c.id for c in Category.select(Category.id)]
        catalog = build_catalog(PRODUCTS, categories, rng)
        ids, variants = catalog["ids"], catalog["variants"]
        hot_products = variants[:HOT]  # the fruit of the week, in its boxes
        pairs = [(p, w) for p in ids for w in warehouses]
        streams = Streams(pairs, rng, admin.id)
        started = time.perf_counter()
        load_movements(streams, pairs, hot_products, rng, MOVEMENTS, HOT_SHARE)
        loaded = time.perf_counter() - started
        now = utcnow()
        stock = [
            {
                "product": p,
                "warehouse": w,
                "on_hand": state[0],
                "reserved": state[1],
                "low_since": now if state[0] - state[1] <= 5 else None,
            }
            for (p, w), state in streams.state.items()
        ]
        with db.atomic():
            for start in range(0, len(stock), 2000):
                Stock.insert_many(stock[start : start + 2000]).execute()
        db.execute_sql("VACUUM ANALYZE" if is_postgres() else "ANALYZE")
        check_sums()
        low = sum(1 for row in stock if row["low_since"])
        print(
            f"  {PRODUCTS:,} products ({len(variants):,} variants in {catalog['families']:,} "
            f"families, {catalog['member_prices']:,} member prices), "
            f"{len(stock):,} stock rows ({low:,} low), "
            f"{MOVEMENTS:,} movements loaded in {loaded:.0f} s; sums checked",
            flush=True,
        )
        hot = hot_products[0]
        typical = variants[len(variants) // 2]
        plains = sorted(set(ids) - set(variants))
        plain = plains[len(plains) // 2]
        family_word = Product.get_by_id(typical).name.split()[1]
        deep = (
            StockMovement.select(StockMovement.id)
            .where(StockMovement.product == hot)
            .order_by(StockMovement.id.desc())
            .offset(MOVEMENTS * HOT_SHARE / HOT * 0.9)
            .scalar()
        )
        db.close()
    return {
        "hot": hot,
        "typical": typical,
        "plain": plain,
        "family_word": family_word,
        "deep": deep,
        "store": store.id,
        "category": categories[3],
    }


def check_sums() -> None:
    """Every stock row equals its ledger's sums (one grouped query), and the ledger's size."""
    count = StockMovement.select().count()
    assert count == MOVEMENTS, count
    wrong = db.execute_sql(
        """
        SELECT COUNT(*) FROM stock s JOIN (
            SELECT product_id, warehouse_id, SUM(change) AS c, SUM(reserved_change) AS r
            FROM stock_movement GROUP BY product_id, warehouse_id
        ) m ON m.product_id = s.product_id AND m.warehouse_id = s.warehouse_id
        WHERE m.c <> s.on_hand OR m.r <> s.reserved
        """
    ).fetchone()[0]
    assert wrong == 0, f"{wrong} stock rows differ from their ledger"


def next_link(client, url: str, pages: int) -> str:
    """The URL `pages` pages on, following each page's rel="next" link."""
    for _ in range(pages):
        html = client.get(url).get_data(as_text=True)
        found = re.search(r'rel="next" href="([^"]+)"', html) or re.search(
            r'href="([^"]+)"[^>]*rel="next"', html
        )
        if not found:
            break
        url = found.group(1).replace("&amp;", "&")
    return url


def cases(client, facts: dict) -> list[tuple[str, str]]:
    hot, typical, deep = facts["hot"], facts["typical"], facts["deep"]
    year_ago = (utcnow() - timedelta(days=330)).date()
    month = (year_ago + timedelta(days=30)).isoformat()
    products = [
        ("products: default (for sale, first page)", "/admin/products"),
        ("products: htmx fragment", "/admin/products#htmx"),
        ("products: also not for sale", "/admin/products?inactive=1"),
        ("products: one category", f"/admin/products?category={facts['category']}"),
        ("products: no category", "/admin/products?category=none"),
        ("products: search a name word (1 in 10)", "/admin/products?q=Mango"),
        ("products: search a SKU", "/admin/products?q=SKU-04321"),
        (
            "products: search a family's name (its variants)",
            f"/admin/products?q={facts['family_word']}",
        ),
        ("products: search, nothing matches", "/admin/products?q=zzzz"),
        ("products: only low on stock", "/admin/products?low=1"),
        ("low stock page, every warehouse", "/inventory/low"),
        ("low stock page, one warehouse", f"/inventory/low?warehouse={facts['store']}"),
    ]
    deep_products = next_link(client, "/admin/products?inactive=1", 60)
    if deep_products != "/admin/products?inactive=1":
        products.append(("products: page 61 (rel=next ×60)", deep_products))
    ledger = f"/admin/products/{hot}/ledger"
    return [
        *products,
        ("product page (latest 50 movements, its family), hot variant", f"/admin/products/{hot}"),
        ("product page, a typical variant", f"/admin/products/{typical}"),
        ("member prices page, hot variant", f"/admin/products/{hot}/member-prices"),
        ("ledger, hot variant: first page", ledger),
        ("ledger, hot variant: page at 90 % depth (keyset)", f"{ledger}?before={deep}"),
        ("ledger, hot variant: htmx, 90 % depth", f"{ledger}?before={deep}#htmx"),
        ("ledger, hot variant: one warehouse", f"{ledger}?warehouse={facts['store']}"),
        ("ledger, hot variant: kind counted (1 in 25)", f"{ledger}?kind=counted"),
        ("ledger, hot variant: reserved + sold", f"{ledger}?kind=reserved&kind=sold"),
        ("ledger, hot variant: a kind it never had (opening)", f"{ledger}?kind=opening"),
        (
            "ledger, hot variant: returned, one warehouse",
            f"{ledger}?kind=returned&warehouse={facts['store']}",
        ),
        ("ledger, hot variant: a month 11 months ago", f"{ledger}?from={year_ago}&to={month}"),
        ("ledger, hot variant: up to 11 months ago", f"{ledger}?to={year_ago}"),
        (
            "ledger, hot variant: everything combined",
            f"{ledger}?warehouse={facts['store']}&kind=written_off&from={year_ago}&to={month}",
        ),
        ("ledger, typical variant: first page", f"/admin/products/{typical}/ledger"),
        ("ledger, plain product: first page", f"/admin/products/{facts['plain']}/ledger"),
        ("ledger export CSV, typical variant (~120 rows)", f"/admin/products/{typical}/ledger.csv"),
        (
            "ledger export CSV, hot variant, a month (~3,300 rows)",
            f"{ledger}.csv?from={year_ago}&to={month}",
        ),
        (
            "ledger export XLSX, hot variant, a month (~3,300 rows)",
            f"{ledger}.xlsx?from={year_ago}&to={month}",
        ),
    ]


def timed_both(call, runs: int = RUNS) -> tuple[list[float], list[float]]:
    """Milliseconds per call on the wall clock and in the CPU time of this thread (which other
    processes on a loaded machine do not inflate; it leaves out the database server's part on
    PostgreSQL, and waiting), from the same runs."""
    for _ in range(3):
        call()
    wall, cpu = [], []
    for _ in range(runs):
        started, used = time.perf_counter(), time.thread_time()
        response = call()
        cpu.append((time.thread_time() - used) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
        if hasattr(response, "status_code"):
            assert response.status_code == 200, response.status_code
    return wall, cpu


def measure(app, facts: dict) -> list:
    """(label, wall times, CPU times, budget): the pages, then the references."""
    client = signed_in(app, "admin@example.com")
    results = []
    for label, url in cases(client, facts):
        headers = {"HX-Request": "true"} if url.endswith("#htmx") else {}
        url = url.removesuffix("#htmx")
        download = label.startswith("ledger export") and "a month" in label  # no budget
        call = lambda u=url, h=headers: client.get(u, headers=h, buffered=True)  # noqa: E731
        wall, cpu = timed_both(call, RUNS // 4 if download else RUNS)
        results.append((label, wall, cpu, None if download else BUDGET))
    wall, cpu = timed_both(lambda: app.test_client().get("/healthz"), RUNS * 5)
    results.append(("reference: GET /healthz (SELECT 1, no session)", wall, cpu, None))
    with app.app_context():
        hot = facts["hot"]
        wall, cpu = timed_both(lambda: Product.get_by_id(hot), RUNS * 5)
        results.append(("reference: one indexed query (a product by id)", wall, cpu, None))
        db.close()
    return results


def report(title: str, results) -> None:
    reference = statistics.median(results[-2][1])
    print(f"\n### {title}\n")
    print("| page | p50 ms | p95 ms | max ms | p95 CPU ms | p50 ÷ /healthz p50 | budget |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for label, wall, cpu, budget in results:
        mark = "" if budget is None else f"{'✓' if p95(wall) < budget else '✗'} < {budget:.0f}"
        print(
            f"| {label} | {statistics.median(wall):.1f} | {p95(wall):.1f} | {max(wall):.1f} "
            f"| {p95(cpu):.1f} | {statistics.median(wall) / reference:.0f} | {mark} |"
        )
    budgeted = [r for r in results if r[3] is not None]
    over = [r[0] for r in budgeted if p95(r[1]) >= r[3]]
    over_cpu = [r[0] for r in budgeted if p95(r[2]) >= r[3]]
    print(
        f"\n{len(budgeted) - len(over)} of {len(budgeted)} pages within budget by the wall "
        f"clock, {len(budgeted) - len(over_cpu)} by CPU time; over: {', '.join(over) or 'none'}"
    )


def run(url: str, title: str) -> None:
    print(f"{title}: building the shop…", flush=True)
    app = create_app(DATABASE_URL=url, SECRET_KEY="bench", RATELIMIT_ENABLED=False)
    facts = build(app)
    with app.app_context():
        version = db.execute_sql(
            "SELECT version()" if is_postgres() else "SELECT sqlite_version()"
        ).fetchone()[0]
        db.close()
    load = os.getloadavg()[0]
    results = measure(app, facts)
    title = (
        f"{title} ({version.split(' on ')[0]}), {PRODUCTS:,} products, {MOVEMENTS:,} movements, "
        f"{RUNS} runs"
    )
    report(f"{title}, load average {load:.1f} → {os.getloadavg()[0]:.1f}", results)


def main() -> None:
    print(f"# Inventory benchmark · {machine()} · load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as scratch:
        run(f"sqlite:///{scratch}/inventory.db", "SQLite")
    base = os.environ.get("BENCH_DATABASE_URL")
    if base:
        with scratch_database(base, "inventory") as url:
            run(url, "PostgreSQL")


if __name__ == "__main__":
    main()
