"""Budgets of the customer ordering page (issue 3), on the demo shop with SQLite:

- page weight: the form page plus the CSS and JavaScript it links, each gzip-compressed
  (what a phone downloads on a first visit), must stay under 50 KB before images;
- each product photo at phone size (the srcset width a 390-px phone with DPR 2 takes for the
  80-px cover: 160 px) at most 30 KB;
- server time: p95 of rendering the form page and of placing an order, under 50 ms each.

Server time is measured in-process around the WSGI call (Flask's test client, no network),
so it is the app's own time. Run: `.venv/bin/python bench/ordering.py` (part of `make bench`).
"""

import gzip
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app
from models.schema import upgrade
from tests.helpers import hidden_inputs

SLUG = "friday-fruit"
ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')
COVER = re.compile(r'<img class="product-photo" src="([^"]+)"')  # src: the 160-px width
PHOTO_BUDGET = 30 * 1024


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def timed(call) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return (time.perf_counter() - start) * 1000, result


def main() -> int:
    scratch = tempfile.mkdtemp()
    app = create_app(
        DATABASE_URL=f"sqlite:///{scratch}/bench.db",
        SECRET_KEY="bench",
        SECURE_COOKIES=False,
        SESSION_COOKIE_SECURE=False,
        HUEY_URL=f"sqlite:///{scratch}/huey.db",
    )
    with app.app_context():
        upgrade()
    app.test_cli_runner().invoke(args=["demo", "--seed", "1"])
    client = app.test_client()
    headers = {"Accept-Language": "zh-CN", "Accept-Encoding": "gzip"}

    html = client.get(f"/f/{SLUG}", headers=headers).get_data()
    sizes = {f"/f/{SLUG}": len(gzip.compress(html))}
    for asset in ASSET.findall(html.decode()):
        sizes[asset] = len(gzip.compress(client.get(asset).get_data()))
    total = sum(sizes.values())
    print(f"## Page weight, gzip (budget 50 KB): {total / 1024:.1f} KB")
    for url, size in sizes.items():
        print(f"    {size / 1024:6.1f} KB  {url}")
    photos = [len(client.get(url).get_data()) for url in COVER.findall(html.decode())]
    largest = max(photos, default=0)
    print(
        f"## Photos at phone size (budget 30 KB each): {len(photos)}, "
        f"largest {largest / 1024:.1f} KB, lazy-loaded"
    )

    page_times = [timed(lambda: client.get(f"/f/{SLUG}", headers=headers))[0] for _ in range(300)]
    print(
        f"## GET /f/{SLUG}: p50 {statistics.median(page_times):.1f} ms, "
        f"p95 {p95(page_times):.1f} ms (budget 50 ms)"
    )

    products = [int(pid) for pid in re.findall(r'name="items-(\d+)"', html.decode())]
    rng = random.Random(1)
    submit_times, placed = [], 0
    for i in range(200):
        form = client.get(f"/f/{SLUG}", headers=headers).get_data(as_text=True)
        hidden = hidden_inputs(form)
        point = re.search(r'name="checkout-method" type="radio" value="([^"]+)"', form)
        data = {
            **hidden,
            "name": f"顾客{i}",
            "phone": f"1370000{i:04d}",
            f"items-{rng.choice(products[:5])}": "1",  # the five best-stocked fruits
            "checkout-method": point.group(1) if point else "",
        }
        elapsed, response = timed(
            lambda data=data: client.post(f"/f/{SLUG}", data=data, headers=headers)
        )
        placed += response.status_code == 303
        submit_times.append(elapsed)
    print(
        f"## POST /f/{SLUG} ({placed} orders placed): p50 {statistics.median(submit_times):.1f} ms, "
        f"p95 {p95(submit_times):.1f} ms (budget 50 ms)"
    )
    ok = (
        total < 50 * 1024
        and largest <= PHOTO_BUDGET
        and p95(page_times) < 50
        and p95(submit_times) < 50
        and placed == 200
    )
    print("## within budget" if ok else "## OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
