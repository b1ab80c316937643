"""Sign-in throttling (docs/security.md): failed sign-ins counted per account from every address
and per address for every email, in the database, so every worker process agrees; the refusal
says when to try again, in shop time.

The last tests run the app in gunicorn with two worker processes and reach it from several
loopback addresses (Linux routes all of 127.0.0.0/8 to the loopback interface).
"""

import http.client
import os
import re
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_time
from peewee import fn

import config
from app import create_app
from models.accounts import devices
from models.accounts.sign_in import Limit, SignInAttempt, SignInThrottled, authenticate
from tests.helpers import (
    CSRF_INPUT,
    EN,
    PASSWORD,
    ROOT,
    ZH,
    csrf_token_from,
    free_port,
    make_user,
    race,
)


def attempt(app, email: str, password: str, address: str, headers=EN, client=None):
    """One sign-in from a browser at `address`."""
    client = client or app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    data = {"csrf_token": csrf_token_from(client, "/login"), "email": email, "password": password}
    return client.post("/login", data=data, headers=headers)


def shop_time(value) -> str:
    """How the English page writes a stored UTC time: short, in the shop's time zone."""
    return format_time(
        value.replace(tzinfo=ZoneInfo("UTC")),
        "short",
        tzinfo=ZoneInfo("Asia/Shanghai"),
        locale="en",
    )


def first_failure_at():
    return SignInAttempt.select(fn.MIN(SignInAttempt.at)).scalar()


def back_date(by: timedelta) -> None:
    """The failures happened `by` earlier."""
    for row in SignInAttempt.select():
        SignInAttempt.update(at=row.at - by).where(SignInAttempt.id == row.id).execute()


def test_failures_count_per_account_from_every_address(app, staff):
    app.config["LOGIN_ATTEMPTS"] = "3 per 15 minutes"
    for n in range(3):
        assert attempt(app, staff.email, "wrong", f"10.0.0.{n + 1}").status_code == 422
    refused = attempt(app, staff.email, PASSWORD, "10.0.0.9")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429
    until = shop_time(first_failure_at() + timedelta(minutes=15))
    assert (
        "Too many failed sign-in attempts with this email. "
        f"You can try again in 15 minutes, at {until}." in html
    )
    assert f'value="{staff.email}"' in html, "the typed email is kept"
    assert 14 * 60 < int(refused.headers["Retry-After"]) <= 15 * 60


def test_failures_count_per_address_for_every_email(app, staff):
    app.config["LOGIN_ADDRESS_ATTEMPTS"] = "3 per 15 minutes"
    for n in range(3):
        assert attempt(app, f"guess{n}@example.com", "wrong", "10.0.0.5").status_code == 422
    refused = attempt(app, staff.email, PASSWORD, "10.0.0.5")
    assert refused.status_code == 429
    assert "Too many failed sign-in attempts from your network." in refused.get_data(as_text=True)
    assert attempt(app, staff.email, PASSWORD, "10.0.0.6").status_code == 302


def known_browser(app, user, address="10.0.1.1"):
    """A browser that has signed in as `user` before: it holds that account's device cookie."""
    phone = app.test_client()
    assert attempt(app, user.email, PASSWORD, address, client=phone).status_code == 302
    cookie = phone.get_cookie(devices.COOKIE)
    assert cookie is not None and cookie.http_only
    again = app.test_client()
    again.set_cookie(devices.COOKIE, cookie.value)
    return again


def test_strangers_spending_the_accounts_tries_never_lock_out_a_known_browser(app, staff):
    app.config["LOGIN_ATTEMPTS"] = "3 per 15 minutes"
    phone = known_browser(app, staff)
    for n in range(3):  # someone who knows the email, from elsewhere
        assert attempt(app, staff.email, "wrong", f"10.0.0.{n + 1}").status_code == 422

    assert attempt(app, staff.email, PASSWORD, "10.0.0.9").status_code == 429  # a new browser
    assert attempt(app, staff.email, PASSWORD, "10.0.1.1", client=phone).status_code == 302


def test_a_known_browser_has_tries_of_its_own_and_only_for_its_account(app, staff, admin):
    app.config["LOGIN_ATTEMPTS"] = "3 per 15 minutes"
    phone = known_browser(app, staff)
    for _ in range(3):
        assert attempt(app, staff.email, "wrong", "10.0.1.1", client=phone).status_code == 422
    assert attempt(app, staff.email, PASSWORD, "10.0.1.1", client=phone).status_code == 429
    assert attempt(app, staff.email, PASSWORD, "10.0.0.7").status_code == 302  # the account's own

    other = known_browser(app, staff, "10.0.1.2")
    for _ in range(3):  # the staff's device cookie says nothing about the admin's account
        assert attempt(app, admin.email, "wrong", "10.0.2.1", client=other).status_code == 422
    assert attempt(app, admin.email, PASSWORD, "10.0.2.2").status_code == 429


def test_a_forged_or_altered_device_cookie_counts_for_nothing(app, staff):
    app.config["LOGIN_ATTEMPTS"] = "2 per 15 minutes"
    phone = known_browser(app, staff)
    value = phone.get_cookie(devices.COOKIE).value
    forged = app.test_client()
    forged.set_cookie(devices.COOKIE, value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    for n in range(2):
        assert attempt(app, staff.email, "wrong", f"10.0.3.{n + 1}").status_code == 422
    assert attempt(app, staff.email, PASSWORD, "10.0.3.9", client=forged).status_code == 429
    assert attempt(app, staff.email, PASSWORD, "10.0.3.9", client=phone).status_code == 302


def test_an_email_without_an_account_is_refused_in_the_same_words(app, staff):
    app.config["LOGIN_ATTEMPTS"] = "2 per 15 minutes"
    answers = {}
    for email in (staff.email, "nobody@example.com"):
        for n in range(2):
            assert attempt(app, email, "wrong", f"10.1.0.{n}").status_code == 422
        refused = attempt(app, email, "wrong", "10.1.0.9")
        alert = re.search(r'role="alert">(.*?)</div>', refused.text, re.S).group(1)
        answers[email] = (refused.status_code, re.sub(r"at [^.]*\.", "", alert))
    assert answers[staff.email] == answers["nobody@example.com"]


def test_the_window_slides_and_says_how_long_is_left(app, staff):
    app.config["LOGIN_ATTEMPTS"] = "3 per 15 minutes"
    for n in range(3):
        attempt(app, staff.email, "wrong", f"10.2.0.{n}")
    back_date(timedelta(minutes=14, seconds=30))
    refused = attempt(app, staff.email, PASSWORD, "10.2.0.9")
    assert refused.status_code == 429
    assert "You can try again in 1 minute, at " in refused.get_data(as_text=True)

    back_date(timedelta(minutes=1))
    assert attempt(app, staff.email, PASSWORD, "10.2.0.9").status_code == 302
    assert SignInAttempt.select().count() == 0, "old failures and the account's are gone"


def test_signing_in_forgets_the_accounts_failures(app, staff):
    app.config["LOGIN_ATTEMPTS"] = "3 per 15 minutes"
    for _ in range(2):
        attempt(app, staff.email, "wrong", "10.3.0.1")
    assert attempt(app, staff.email, PASSWORD, "10.3.0.1").status_code == 302
    for _ in range(2):
        assert attempt(app, staff.email, "wrong", "10.3.0.1").status_code == 422
    assert attempt(app, staff.email, PASSWORD, "10.3.0.1").status_code == 302


def test_an_incomplete_form_is_not_a_failed_sign_in(app, staff):
    app.config["LOGIN_ATTEMPTS"] = "2 per 15 minutes"
    for _ in range(5):
        assert attempt(app, staff.email, "", "10.4.0.1").status_code == 422
    assert attempt(app, staff.email, PASSWORD, "10.4.0.1").status_code == 302


def test_the_refusal_is_in_chinese_for_a_chinese_browser(app, staff):
    app.config["LOGIN_ATTEMPTS"] = "1 per 15 minutes"
    attempt(app, staff.email, "wrong", "10.5.0.1")
    refused = attempt(app, staff.email, PASSWORD, "10.5.0.1", headers=ZH)
    assert refused.status_code == 429
    assert "此邮箱的登录失败次数过多。请在 15分钟后（" in refused.get_data(as_text=True)


def test_parallel_tries_never_pass_the_limit(app, staff):
    limits = Limit.parse("5 per 15 minutes"), Limit.parse("100 per 15 minutes")

    def try_once(i: int):
        return authenticate(staff.email, "wrong", f"10.6.0.{i}", *limits)

    outcomes = [outcome for outcome, _ in race(app, 12, try_once)]
    assert outcomes.count("ok") == 5
    assert outcomes.count(SignInThrottled.__name__) == 7


def test_forwarded_addresses_are_ignored_unless_a_proxy_is_trusted(app, database_url, staff):
    app.config["LOGIN_ADDRESS_ATTEMPTS"] = "2 per 15 minutes"
    client = app.test_client()
    for n in range(2):
        spoofed = {**EN, "X-Forwarded-For": f"198.51.100.{n}"}
        assert attempt(app, f"g{n}@x.cn", "no", "10.7.0.1", spoofed, client).status_code == 422
    spoofed = {**EN, "X-Forwarded-For": "198.51.100.99"}
    assert attempt(app, staff.email, PASSWORD, "10.7.0.1", spoofed, client).status_code == 429

    behind_proxy = create_app(
        TESTING=True,
        DATABASE_URL=database_url,
        SECRET_KEY="test-secret",
        TRUSTED_PROXIES=1,
        LOGIN_ADDRESS_ATTEMPTS="2 per 15 minutes",
    )
    proxied = {**EN, "X-Forwarded-For": "198.51.100.7"}
    assert attempt(behind_proxy, staff.email, PASSWORD, "10.7.0.1", proxied).status_code == 302


def test_the_documented_limits_are_the_defaults(monkeypatch, tmp_path):
    for name in ("LOGIN_ATTEMPTS", "LOGIN_ADDRESS_ATTEMPTS", "TRUSTED_PROXIES"):
        monkeypatch.delenv(name, raising=False)
    settings = config.from_environment(tmp_path)
    assert settings["LOGIN_ATTEMPTS"] == "5 per 15 minutes"
    assert settings["LOGIN_ADDRESS_ATTEMPTS"] == "20 per 15 minutes"
    assert settings["TRUSTED_PROXIES"] == 0
    readme = (ROOT / "README.md").read_text()
    assert "| `LOGIN_ATTEMPTS` | `5 per 15 minutes` |" in readme
    assert "| `LOGIN_ADDRESS_ATTEMPTS` | `20 per 15 minutes` |" in readme


# --- two gunicorn workers, several addresses --------------------------------------------------


class Visitor:
    """A browser at one loopback address, speaking plain HTTP to the server."""

    def __init__(self, port: int, address: str):
        self.port, self.address, self.cookie, self.token = port, address, "", ""

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=60, source_address=(self.address, 0)
        )
        headers = {**EN, "Cookie": self.cookie}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        html = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            if header.startswith("session="):
                self.cookie = header.split(";")[0]
        connection.close()
        return response.status, html

    def sign_in(self, email: str, password: str) -> tuple[int, str]:
        if not self.token:
            status, html = self.request("GET", "/login")
            assert status == 200
            self.token = CSRF_INPUT.search(html).group(1)
        form = {"csrf_token": self.token, "email": email, "password": password}
        return self.request("POST", "/login", form)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.fixture
def gunicorn(app, database_url, tmp_path):
    """The app in gunicorn, two worker processes, on the test database, default limits."""
    port = free_port()
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"LOGIN_ATTEMPTS", "LOGIN_ADDRESS_ATTEMPTS", "TRUSTED_PROXIES"}
    }
    env |= {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "two-workers",
        "SECURE_COOKIES": "0",
        "HUEY_URL": f"sqlite:///{tmp_path / 'huey.db'}",
        "SMS_LOG_PATH": str(tmp_path / "sms.jsonl"),
    }
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115 - closed below
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        [*command, "app:create_app()"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        while len(_children(server.pid)) < 2 or not _answers(port):
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        yield port, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _answers(port: int) -> bool:
    try:
        return Visitor(port, "127.0.0.1").request("GET", "/healthz")[0] == 200
    except OSError:
        return False


def test_two_workers_and_ten_addresses_allow_an_account_exactly_five_failures(gunicorn, staff):
    port, pid = gunicorn
    assert len(_children(pid)) == 2, "two worker processes"
    visitors = [Visitor(port, f"127.0.0.{n}") for n in range(2, 12)]
    statuses, lock = [], threading.Lock()

    def three_wrong_passwords(visitor: Visitor) -> None:
        for _ in range(3):
            status, _html = visitor.sign_in(staff.email, "wrong password")
            with lock:
                statuses.append(status)

    threads = [threading.Thread(target=three_wrong_passwords, args=(v,)) for v in visitors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sorted(statuses) == [422] * 5 + [429] * 25

    status, html = Visitor(port, "127.0.0.12").sign_in(staff.email, PASSWORD)
    assert status == 429
    assert "Too many failed sign-in attempts with this email. You can try again in " in html


def test_two_workers_allow_one_address_exactly_twenty_failures(gunicorn, staff):
    port, _ = gunicorn
    admin = make_user("admin")
    spraying = Visitor(port, "127.0.0.13")
    statuses = [spraying.sign_in(f"guess{n}@example.com", "wrong")[0] for n in range(25)]
    assert statuses == [422] * 20 + [429] * 5

    status, html = spraying.sign_in(admin.email, PASSWORD)
    assert status == 429 and "from your network" in html
    assert Visitor(port, "127.0.0.14").sign_in(admin.email, PASSWORD)[0] == 302
    assert Visitor(port, "127.0.0.15").sign_in(staff.email, PASSWORD)[0] == 302
