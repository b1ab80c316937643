"""How often a killed consumer sends an email twice, or loses one (issue 11 §6).

Each run starts from nothing: a scratch database (SQLite; with BENCH_DATABASE_URL a throwaway
schema of that PostgreSQL database), a fresh queue (SQLite; with BENCH_REDIS_URL that Redis), the
web app in its own gunicorn process, and a real SMTP server on loopback (aiosmtpd,
tests/mailbox.py) that answers at once or every command 50 ms late. Orders are placed over HTTP
on the order form at a steady rate while the Procfile's consumer is started and killed with
SIGKILL K times, each time at a random moment within 0.5 s after it sent its first email
(tests/consumer.py `kill_storm`); a last consumer then sends what is left.

A copy of a message (same Message-ID) is a duplicate; an order whose customer got no email is
lost. Each duplicate is put down to the moment its first sender was killed: before the server
answered 250 to DATA (it had the whole message: SMTP's own window, RFC 1047, which no client
can close) or after (the worker's window, until its mark reached the database).

    .venv/bin/python bench/duplicates.py --runs 20 --kills 20     # `make bench` runs 2 × 5
"""

import argparse
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app
from bench.scratch_schema import create, drop, url_in
from models.db import db
from models.schema import upgrade
from tasks import make_huey
from tests.consumer import EMAIL_SHOP, Consumer, Tally, consumer_env, kill_storm
from tests.factories import make_shop
from tests.helpers import free_port, hidden_inputs
from tests.mailbox import Mailbox

ROOT = Path(__file__).resolve().parent.parent
SERVERS = {"fast": 0.0, "50 ms late": 0.05}
RATE = {"fast": 20, "50 ms late": 5}  # orders a second: about what the consumer keeps up with


def one_run(server: str, kills: int, seed: int, folder: Path) -> Tally:
    database_url, schema = _scratch_database(folder)
    queue = {
        "HUEY_URL": os.environ.get("BENCH_REDIS_URL") or f"sqlite:///{folder / 'huey.db'}",
        "HUEY_NAME": f"bench-{uuid.uuid4().hex[:8]}",
    }
    started = []
    try:
        with create_app(DATABASE_URL=database_url, SECRET_KEY="bench").app_context():
            upgrade()
            shop = make_shop(**EMAIL_SHOP)
            slug, product = shop["version"].template.slug, shop["apples"].id
        db.close_all()
        with Mailbox(late=SERVERS[server]) as mailbox:
            env = consumer_env(database_url, queue, mailbox.port, folder)
            with WebApp(env, folder) as web:

                def start() -> Consumer:
                    started.append(Consumer(env, folder / "consumer.log").start())
                    return started[-1]

                return kill_storm(
                    start,
                    lambda email: web.place_order(slug, product, email),
                    mailbox,
                    kills=kills,
                    rate=RATE[server],
                    seed=seed,
                )
    finally:
        for consumer in started:
            consumer.stop()
        make_huey(queue["HUEY_URL"], name=queue["HUEY_NAME"]).flush()
        db.close_all()
        if schema:
            drop(os.environ["BENCH_DATABASE_URL"], schema)


class WebApp:
    """The app served by gunicorn (one worker) on a free loopback port, and a customer on it."""

    def __init__(self, env: dict, folder: Path):
        self.url = f"http://127.0.0.1:{free_port()}"
        self.env = {**os.environ, **env, "SECURE_COOKIES": "0"}
        self.log = folder / "web.log"
        self.customer = build_opener(HTTPCookieProcessor(CookieJar()), _NoRedirects())

    def __enter__(self) -> "WebApp":
        address = self.url.removeprefix("http://")
        command = [".venv/bin/gunicorn", "--workers", "1", "--bind", address, "app:create_app()"]
        with self.log.open("a") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=log)
        for _ in range(100):
            try:
                self.customer.open(f"{self.url}/healthz", timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"the web app did not start:\n{self.log.read_text()[-2000:]}")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def place_order(self, slug: str, product: int, email: str) -> None:
        """Fill in and send the order form as a browser would: two apples for `email`."""
        headers = {"Accept-Language": "en"}
        with self.customer.open(Request(f"{self.url}/f/{slug}", headers=headers)) as page:
            html = page.read().decode()
        fields = {"name": "Alice", "phone": "13800138000", "email": email, f"items-{product}": 2}
        body = urlencode({**hidden_inputs(html), **fields}).encode()
        try:
            self.customer.open(Request(f"{self.url}/f/{slug}", data=body, headers=headers))
        except HTTPError as answer:
            if answer.code == 303:  # placed: on to the tracking page, which we need not load
                return
            raise
        raise AssertionError("the order form did not answer 303")


class _NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _scratch_database(folder: Path) -> tuple[str, str]:
    base = os.environ.get("BENCH_DATABASE_URL")
    if not base:
        return f"sqlite:///{folder / 'bench.db'}", ""
    schema = create(base, "bench_dup")
    return url_in(base, schema), schema


def _counts(tallies: list[Tally]) -> str:
    before = [gap for tally in tallies for gap in tally.killed_before_the_answer]
    after = [gap for tally in tallies for gap in tally.killed_after_the_answer]
    orders = sum(len(tally.placed) for tally in tallies)
    kills = sum(tally.kills for tally in tallies)
    lost = sum(tally.lost for tally in tallies)
    return (
        f"{orders} orders, {kills} kills, {lost} lost, {len(before) + len(after)} duplicates: "
        f"{len(before)} killed before the server's 250{_ms(before)}, "
        f"{len(after)} after it{_ms(after)}"
    )


def _ms(gaps: list[float]) -> str:
    return f" ({', '.join(f'{gap * 1000:.2f}' for gap in sorted(gaps))} ms)" if gaps else ""


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--server", choices=[*SERVERS, "both"], default="both")
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the consumers on the way out
    database = "postgresql" if os.environ.get("BENCH_DATABASE_URL") else "sqlite"
    queue = "redis" if os.environ.get("BENCH_REDIS_URL") else "sqlite"
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    print(f"# {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} · {machine()}")
    print(
        f"# database {database}, queue {queue}, commit {commit.stdout.strip() or '?'}", flush=True
    )
    servers = list(SERVERS) if options.server == "both" else [options.server]
    failed = False
    for server in servers:
        tallies, began = [], time.monotonic()
        for run in range(options.runs):
            with tempfile.TemporaryDirectory() as folder:
                tallies.append(one_run(server, options.kills, seed=run, folder=Path(folder)))
            load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
            print(
                f"  {server} server, run {run + 1}: {_counts([tallies[-1]])}; load {load}",
                flush=True,
            )
        print(
            f"## {server} server, {options.runs} runs × {options.kills} kills: "
            f"{_counts(tallies)} ({time.monotonic() - began:.0f} s)",
            flush=True,
        )
        failed |= any(tally.lost for tally in tallies)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
