"""More than one machine (docs/operations.md, "Containers"): two app processes on different
ports against one PostgreSQL and one Redis. PostgreSQL and Redis only (TEST_DATABASE_URL and
TEST_REDIS_URL); skipped otherwise, but failed in CI's PostgreSQL run without Redis (an
unreachable PostgreSQL fails every test there: tests/conftest.py). Two consumers, one killed
midway: tests/messaging/test_consumer.py.
"""

import http.cookiejar
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from models.db import is_postgres
from models.orders.order import Order
from tests.consumer import place_on_the_web
from tests.helpers import PASSWORD, hidden_inputs

ROOT = Path(__file__).resolve().parents[2]
REDIS = os.environ.get("TEST_REDIS_URL")


class Browser:
    """A cookie-keeping HTTP client with the test client's few methods, not following redirects."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    class Response:
        def __init__(self, status, headers, body):
            self.status_code, self.headers, self.body = status, headers, body

        def get_data(self, as_text=False):
            return self.body.decode() if as_text else self.body

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), self._NoRedirect()
        )

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=10) as response:
                return self.Response(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return self.Response(error.code, error.headers, error.read())

    def get(self, path, headers=None):
        return self._open(urllib.request.Request(self.base + path, headers=headers or {}))

    def post(self, path, data, headers=None):
        body = urllib.parse.urlencode(data).encode()
        return self._open(urllib.request.Request(self.base + path, body, headers or {}))


@pytest.fixture
def servers(database_url):
    if is_postgres() and not REDIS and os.environ.get("CI") == "true":
        pytest.fail("CI's PostgreSQL run must also set TEST_REDIS_URL")  # tests/messaging's rule
    if not is_postgres() or not REDIS:
        pytest.skip("the scale-out test needs TEST_DATABASE_URL and TEST_REDIS_URL")
    prefix = f"scale-{uuid.uuid4().hex[:8]}"  # limits of another run never count here
    processes = []
    for _ in range(2):
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.scale_app", database_url, REDIS, prefix],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        processes.append(process)
    ports = [int(process.stdout.readline()) for process in processes]
    yield [f"http://127.0.0.1:{port}" for port in ports]
    for process in processes:
        process.terminate()
        process.wait(10)


def _sign_in(browser: Browser, user) -> None:
    form = hidden_inputs(browser.get("/login").get_data(as_text=True))
    response = browser.post("/login", {**form, "email": user.email, "password": PASSWORD})
    assert response.status_code == 302


def test_an_order_placed_on_one_server_is_on_the_board_of_the_other_within_3_s(
    servers, shop, staff
):
    first, second = Browser(servers[0]), Browser(servers[1])
    _sign_in(second, staff)
    token = place_on_the_web(first, shop, "alice@example.com")
    placed = time.monotonic()
    number = str(Order.get(Order.tracking_token == token).number)
    while number not in second.get("/board/").get_data(as_text=True):
        assert time.monotonic() - placed < 3, "the other server's board did not show the order"
        time.sleep(0.1)


def test_rate_limits_count_across_both_servers(servers):
    """MY_ORDERS_LIMIT is 4 per address here: 2 + 2 on the two servers spend it."""
    browsers = [Browser(url) for url in servers]
    answers = []
    for n in range(6):
        browser = browsers[n % 2]
        form = hidden_inputs(browser.get("/my").get_data(as_text=True))
        phone = f"1380013{uuid.uuid4().int % 10000:04d}"
        answers.append(browser.post("/my/code", {**form, "phone": phone}).status_code)
    assert answers[:4] == [200] * 4 and answers[4:] == [429, 429], answers
