"""Orders per second through the web server (issues 21 and 22), each figure beside references
measured in the same run.

wrk (2 threads, 16 connections) POSTs the demo shop's order form (`/f/friday-fruit`, one fruit,
pickup, a new customer and a new submission key each time) to gunicorn (4 sync workers) on
loopback, for BENCH_DURATION (10 s) after 2 s of warm-up; only a 303 to `/o/<token>` counts as an
order placed (wrk's script counts every other answer), and the orders in the database are
counted too. Right before, the same wrk POSTs to the **references** of bench/references.py under
the same gunicorn: a minimal insert (one row in its own transaction) and a minimal order desk
(a conditional stock UPDATE and an order row). The submit's share of their rates says what the
order's work costs, whatever else the machine is doing; the load average is printed before and
after. The demo activity's order cap is lifted (the cap's row is still taken on every order) and
its stock made plenty, so no answer is a refusal.

Databases: SQLite (a scratch file); with BENCH_DATABASE_URL (a PostgreSQL URL whose role may
CREATE DATABASE) a scratch database on that server, dropped afterwards; with BENCH_PGBOUNCER=1
also the same scratch database through PgBouncer in transaction pooling mode (`pgbouncer` on
PATH; docs/operations.md, "PgBouncer"), started here on a free port and stopped after.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres BENCH_PGBOUNCER=1 \
        .venv/bin/python bench/submit.py          # `make bench` runs it
"""

import http.client
import itertools
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode, urlparse, urlunparse
from urllib.request import HTTPCookieProcessor, build_opener

import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.helpers import free_port, hidden_inputs

ROOT = Path(__file__).resolve().parent.parent
SLUG = "friday-fruit"
AGENT = "jielong-bench"
WORKERS = 4
CONNECTIONS = 16
DURATION = os.environ.get("BENCH_DURATION", "10s")
PLENTY = 10_000_000  # units of each product: the run never sells out
LAST_UNITS, ATTEMPTS = 50, 300
SERIES = itertools.count()
WRK_LINES = re.compile(
    r"requests in|Requests/sec|Latency  |  50%|  99%|Non-2xx|Socket errors|answers other"
)

# wrk's script: each request a new submission key (KEY) and a new customer (PHONE).
LUA = """
local threads = {{}}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", tostring(#threads))
end
other = 0
function response(status, headers, body)
  if status ~= 303 or not string.find(headers["Location"] or "", "/o/", 1, true) then
    other = other + 1
  end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("other") end
  io.write(string.format("  answers other than 303 (to /o/<token>, an order placed): %d\\n", total))
end
local n = {first}
request = function()
  n = n + 1
  local key = "{run}-" .. tid .. "-" .. n
  local phone = string.format("138%s%07d", tid, n % 10000000)
  local body = ("{body}"):gsub("KEY", key):gsub("PHONE", phone)
  return wrk.format("POST", "{path}", nil, body)
end
"""


def sh(*args, env=None, **kw) -> str:
    return subprocess.run(
        args, cwd=ROOT, env=env, check=True, capture_output=True, text=True, **kw
    ).stdout


def load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


@contextmanager
def gunicorn(target: str, env: dict, folder: Path, workers: int = WORKERS):
    """gunicorn serving `target` on a free port; yields (its URL, the master's pid)."""
    port = free_port()
    log = (folder / "gunicorn.log").open("a")
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", target],
        cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=log,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            if subprocess.run(["curl", "-s", "-o", "/dev/null", url + "/"]).returncode == 0:
                break
            time.sleep(0.2)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def wrk(
    url: str, path: str, fields: dict, cookie: str, folder: Path, duration: str = DURATION
) -> tuple[float, list[str]]:
    """POST the form `fields` (KEY and PHONE filled anew per request) for 2 s to warm the
    workers up, then for `duration`: the rate and wrk's summary lines of the second."""
    script, body = folder / "post.lua", urlencode(fields)
    headers = [
        "-H",
        f"User-Agent: {AGENT}",
        "-H",
        "Content-Type: application/x-www-form-urlencoded",
    ]
    if cookie:
        headers += ["-H", f"Cookie: {cookie}"]
    for run_for in ("2s", duration):
        first = next(SERIES) * 100_000  # every wrk run has customers of its own
        script.write_text(LUA.format(run=uuid.uuid4().hex[:8], first=first, path=path, body=body))
        out = sh(
            "wrk", "-t2", f"-c{CONNECTIONS}", f"-d{run_for}", "--timeout", "10s", "--latency", *headers,
            "-s", str(script), url,
        )  # fmt: skip
    if "answers other" not in out:  # wrk ran without the script (it printed why on stderr)
        raise SystemExit(f"wrk's script failed:\n{out}")
    requests, seconds, unit = re.search(r"(\d+) requests in ([\d.]+)(m?s)", out).groups()
    seconds = float(seconds) / (1000 if unit == "ms" else 1)
    other = int(re.search(r"an order placed\): (\d+)", out).group(1))
    rate = (int(requests) - other) / seconds  # only answers that placed an order
    return rate, [line for line in out.splitlines() if WRK_LINES.search(line)]


def form_of(url: str) -> tuple[dict, str]:
    """The order form's fields for one fruit (KEY and PHONE to fill), and the session cookie."""
    jar = CookieJar()
    opener = build_opener(HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", AGENT)]
    html = opener.open(f"{url}/f/{SLUG}").read().decode()
    fields = hidden_inputs(html)
    key_name = next(name for name in fields if "submission" in name or name.endswith("key"))
    point = re.search(r'name="checkout-method" type="radio" value="([^"]+)"', html)
    product = re.search(r'name="(items-\d+)"', html).group(1)
    fields.update({key_name: "KEY", "name": "压测", "phone": "PHONE", product: "1"})
    if point:
        fields["checkout-method"] = point.group(1)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return fields, cookie


def sql(url: str, statement: str, params=()) -> None:
    """One change on the bench's database."""
    if url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            connection.execute(statement, params)
        return
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(statement.replace("?", "%s"), params)


def last_units(server: str, url: str, fields: dict, cookie: str) -> str:
    """LAST_UNITS units left, ATTEMPTS customers at once (30 at a time) for them over HTTP:
    exactly LAST_UNITS orders, every other answer a clear "sold out" (422), no 5xx; raises
    SystemExit otherwise."""
    product = int(next(name for name in fields if name.startswith("items-")).split("-")[1])
    settled(url)  # requests wrk left queued at the server are answered (they order) first
    sql(url, "UPDATE stock SET on_hand = reserved + ? WHERE product_id = ?", (LAST_UNITS, product))
    before = orders_in(url)
    host, port = urlparse(server).hostname, urlparse(server).port
    run = uuid.uuid4().hex[:8]

    def attempt(i: int) -> tuple[int, str]:
        body = urlencode(fields).replace("KEY", f"last-{run}-{i}").replace("PHONE", f"137{i:08d}")
        connection = http.client.HTTPConnection(host, port, timeout=60)
        connection.request("POST", f"/f/{SLUG}", body, {
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
            "User-Agent": AGENT, "Accept-Language": "en",
        })  # fmt: skip
        response = connection.getresponse()
        return response.status, response.read().decode()

    with ThreadPoolExecutor(30) as pool:
        answers = list(pool.map(attempt, range(ATTEMPTS)))
    sold = sum(status == 303 for status, _ in answers)
    refused = sum(status == 422 and "Sold out" in body for status, body in answers)
    in_database = orders_in(url) - before
    verdict = (
        f"last units over HTTP: {LAST_UNITS} units, {ATTEMPTS} customers at once → {sold} "
        f"orders ({in_database} in the database), {refused} answered sold out, "
        f"{ATTEMPTS - sold - refused} other answers"
    )
    if not (sold == in_database == LAST_UNITS and refused == ATTEMPTS - LAST_UNITS):
        raise SystemExit(f"oversold or unclear: {verdict}")
    return verdict


def settled(url: str) -> None:
    """Until the number of orders stops moving for a second."""
    count = -1
    while count != (count := orders_in(url)):
        time.sleep(1)


def orders_in(url: str) -> int:
    if url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            return connection.execute('SELECT count(*) FROM "order"').fetchone()[0]
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute('SELECT count(*) FROM "order"')
        return cursor.fetchone()[0]


def prepare(url: str, folder: Path) -> None:
    """Schema, the demo shop, plenty of stock and places, and the references' tables."""
    env = {**os.environ, "DATABASE_URL": url, "HUEY_URL": f"sqlite:///{folder}/huey.db"}
    flask = [str(ROOT / ".venv/bin/flask"), "--app", "app"]
    sh(*flask, "db", "upgrade", env=env)
    sh(*flask, "demo", "--seed", "1", env=env)
    sh(
        str(ROOT / ".venv/bin/python"), "-c",
        "import sys; from bench.references import create_tables; create_tables(sys.argv[1]);"
        "from models.db import bind_database; d = bind_database(sys.argv[1]);"
        f"d.execute_sql('UPDATE stock SET on_hand = on_hand + {PLENTY}');"
        "from models.activities.template import FormTemplate, FormTemplateVersion as V;"
        f"v = FormTemplate.get(slug='{SLUG}').latest_version();"  # a bench's change, in place
        f"V.update(settings={{**v.settings, 'order_cap': {PLENTY}}}).where(V.id == v.id).execute();"
        "d.close()",
        url, env=env,
    )  # fmt: skip


def measure(title: str, url: str, folder: Path) -> None:
    env = {
        "DATABASE_URL": url,
        "HUEY_URL": f"sqlite:///{folder}/huey.db",  # kick() queues tasks; no consumer runs
        "SECURE_COOKIES": "0",
        "SECRET_KEY": "bench",
    }
    print(f"### {title} — load average before {load()}")
    rates = {}
    with gunicorn("bench.references:app", env, folder) as (server, _pid):
        for path, what in (("/insert", "one INSERT"), ("/order", "a minimal order desk")):
            rates[path], lines = wrk(server, path, {"key": "KEY", "phone": "PHONE"}, "", folder)
            print(f"#### reference POST {path}: {what}, in its own transaction")
            print("\n".join(lines))
    before = orders_in(url)
    with gunicorn("app:create_app()", env, folder) as (server, _pid):
        fields, cookie = form_of(server)
        submit, lines = wrk(server, f"/f/{SLUG}", fields, cookie, folder)
        settled(url)
        placed = orders_in(url) - before
        oversell = last_units(server, url, fields, cookie)
    print(
        f"#### POST /f/{SLUG}: the order submit ({placed} orders in the database, warm-up included)"
    )
    print("\n".join(lines))
    print(
        f"#### submit {submit:.1f} orders/s = {submit / rates['/order']:.2f} × the minimal order "
        f"desk's {rates['/order']:.1f}/s = {submit / rates['/insert']:.3f} × the minimal insert's "
        f"{rates['/insert']:.1f}/s — load average after {load()}"
    )
    print(f"#### {oversell}")


@contextmanager
def scratch_database(base: str, purpose: str = "submit"):
    """A throwaway database on `base`'s server (its URL), dropped afterwards."""
    name = f"bench_{purpose}_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(base)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
        # what the app's connection options set, for connections that cannot send them (PgBouncer)
        cursor.execute(f"ALTER DATABASE \"{name}\" SET lock_timeout = '10s'")
        cursor.execute(f"ALTER DATABASE \"{name}\" SET statement_timeout = '25s'")
    try:
        yield urlunparse(urlparse(base)._replace(path=f"/{name}"))
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@contextmanager
def pgbouncer(direct: str, folder: Path):
    """PgBouncer in transaction mode in front of `direct`'s server; the URL through it."""
    parts, port = urlparse(direct), free_port()
    user = parts.username or "postgres"
    home = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    (home / "userlist.txt").write_text(f'"{user}" "{parts.password or ""}"\n')
    (home / "pgbouncer.ini").write_text(
        f"""[databases]
* = host={parts.hostname} port={parts.port or 5432}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = {"plain" if parts.password else "trust"}
auth_file = {home}/userlist.txt
pool_mode = transaction
default_pool_size = 10
max_client_conn = 200
ignore_startup_parameters = options,extra_float_digits
logfile = {home}/pgbouncer.log
"""
    )
    command = ["pgbouncer", str(home / "pgbouncer.ini")]
    if os.geteuid() == 0:  # PgBouncer refuses to run as root
        command[1:1] = ["-u", "postgres"]
        for path in [home, *home.iterdir()]:
            shutil.chown(path, "postgres")
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        time.sleep(1.0)
        if process.poll() is not None:
            raise SystemExit(f"pgbouncer did not start: {(home / 'pgbouncer.log').read_text()}")
        yield urlunparse(parts._replace(netloc=f"{parts.username or user}@127.0.0.1:{port}"))
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(home, ignore_errors=True)


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install -y wrk", file=sys.stderr)
        return 1
    cpu = platform.processor() or platform.machine()
    with open("/proc/cpuinfo") as info:
        cpu = next((line.split(":", 1)[1].strip() for line in info if "model name" in line), cpu)
    print(
        f"## Order submit under wrk (2 threads, {CONNECTIONS} connections, {DURATION}) · {os.cpu_count()} cores"
        f" · {cpu} · gunicorn {WORKERS} sync workers · {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}"
    )
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        url = f"sqlite:///{folder}/bench.db"
        prepare(url, folder)
        measure("SQLite (WAL)", url, folder)
    base = os.environ.get("BENCH_DATABASE_URL")
    if not base:
        return 0
    with tempfile.TemporaryDirectory() as scratch, scratch_database(base) as url:
        folder = Path(scratch)
        prepare(url, folder)
        measure("PostgreSQL, direct", url, folder)
        if os.environ.get("BENCH_PGBOUNCER") == "1":
            if not shutil.which("pgbouncer"):
                print("pgbouncer is missing (apt-get install -y pgbouncer): not measured")
                return 0
            with pgbouncer(url, folder) as through:
                measure("PostgreSQL through PgBouncer (pool_mode = transaction)", through, folder)
            measure("PostgreSQL, direct, again", url, folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
