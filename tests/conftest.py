"""Fixtures: an app on a fresh database (SQLite, or PostgreSQL via TEST_DATABASE_URL),
accounts, a CSRF-aware form poster, a live server and Playwright pages (phone and desktop).

Under CI=true a missing Chromium or an unreachable TEST_DATABASE_URL fails the run.
"""

import os
import shutil
import threading
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from argon2 import PasswordHasher, profiles
from werkzeug.serving import make_server

import models.accounts.user as accounts
import tasks
from app import create_app
from models import ALL_MODELS, User, db
from models.db import bind_database
from models.schema import upgrade
from tests import factories
from tests.helpers import HTMX, PASSWORD, csrf_token_from, make_user
from tests.mailbox import Mailbox
from tests.url_builder_cache import share_url_builders

IN_CI = os.environ.get("CI") == "true"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")

tasks.huey.immediate = True
share_url_builders()
# Passwords are hashed with argon2's cheapest parameters (argon2-cffi's profile for tests):
# production's cost ~0.1 s a hash and every test signs someone in. Production's own are checked
# in tests/accounts/test_auth.py.
PRODUCTION_HASHER, accounts._hasher = (
    accounts._hasher,
    PasswordHasher.from_parameters(profiles.CHEAPEST),
)


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """A migrated database for this test run; yields a function giving a clean URL per test."""
    if TEST_DATABASE_URL:
        yield from _postgres_template()
    else:
        path = tmp_path_factory.mktemp("db") / "template.db"
        bind_database(f"sqlite:///{path}")
        upgrade()
        db.close_all()  # closing the pool's connections writes the WAL into the file copied below
        counter = iter(range(1_000_000))

        def fresh_sqlite():
            copy = path.with_name(f"test-{next(counter)}.db")
            shutil.copyfile(path, copy)
            return f"sqlite:///{copy}"

        yield fresh_sqlite


def _postgres_template():
    schema = f"jl_{_worker()}_{uuid.uuid4().hex[:8]}"
    base = TEST_DATABASE_URL
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    try:
        admin_db = bind_database(base)
        admin_db.execute_sql(f'CREATE SCHEMA "{schema}"')
        admin_db.close()
    except Exception as error:
        if IN_CI:
            pytest.fail(f"TEST_DATABASE_URL is unreachable under CI: {error}")
        pytest.skip(f"PostgreSQL unavailable: {error}")
    bind_database(url)
    upgrade()
    sequences = [
        name
        for (name,) in db.execute_sql(
            "SELECT sequence_name FROM information_schema.sequences"
            " WHERE sequence_schema = current_schema()"
        )
    ]
    # DELETE with the foreign-key triggers off, then every sequence from 1: what TRUNCATE …
    # RESTART IDENTITY CASCADE does, in a tenth of its time on tables this small (TRUNCATE makes
    # new files for every table, ~150 ms a test).
    clean = "".join(
        [
            "SET session_replication_role = replica;",
            *(f'DELETE FROM "{m._meta.table_name}";' for m in ALL_MODELS),
            *(f'ALTER SEQUENCE "{name}" RESTART;' for name in sequences),
            "SET session_replication_role = DEFAULT;",
        ]
    )
    db.close()

    def clean_postgres():
        bind_database(url)
        db.execute_sql(clean)
        db.close()
        return url

    yield clean_postgres
    bind_database(base).execute_sql(f'DROP SCHEMA "{schema}" CASCADE')
    db.close()


@pytest.fixture
def database_url(database_template):
    return database_template()


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        TESTING=True,
        DATABASE_URL=database_url,
        SECRET_KEY="test-secret",
        RATELIMIT_STORAGE_URI="memory://",
        DEFAULT_LOCALE="en",  # messages to people without a language, and requests without one
        DEV_PAGES=True,  # /dev/… (admins only), as in `make run`; off unless set in production
        UPLOAD_FOLDER=str(tmp_path / "uploads"),
    )
    # No app context stays pushed: each test-client request must get its own, as in
    # production, or `g` (and the signed-in user cached there) would leak between requests.
    yield app
    if not db.is_closed():
        db.close()


@pytest.fixture
def app_context(app):
    """For tests that call code needing `current_app` outside a request."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def admin(app):
    return make_user("admin", "admin@example.com")


@pytest.fixture
def staff(app):
    return make_user("staff", "staff@example.com")


@pytest.fixture
def leader(app):
    """A group leader (团长) with no pickup point yet."""
    return make_user("leader", "leader@example.com")


@pytest.fixture
def courier(app):
    return make_user("courier", "courier@example.com")


@pytest.fixture
def make_shop(app):
    """make_shop(**options) builds a shop (tests/factories.py make_shop) in an app context."""

    def build(**options) -> dict:
        with app.app_context():
            return factories.make_shop(**options)

    return build


@pytest.fixture
def shop(make_shop):
    """The default shop: 50 apples at ¥12.50 on a published activity ("apples", "version")."""
    return make_shop()


@pytest.fixture
def english(client):
    """The language cookie (what the language switch sets) says English."""
    client.set_cookie("locale", "en")


@pytest.fixture
def as_admin(client, english, admin, login):
    """The test client, in English, signed in as the admin."""
    login(admin)
    return client


@pytest.fixture
def admin_post(as_admin):
    """POST as the signed-in admin with a CSRF token, as a browser form would (htmx=True: as
    htmx would)."""
    token = csrf_token_from(as_admin, "/admin/forms/")

    def post(url, data=None, htmx=False):
        headers = {"X-CSRFToken": token, **(HTMX if htmx else {})}
        return as_admin.post(url, data={"csrf_token": token, **(data or {})}, headers=headers)

    return post


@pytest.fixture
def post_form(client):
    """POST `data` to `url` with the CSRF token taken from `page` (default: `url`)."""

    def post(url, data, page=None, **kwargs):
        token = csrf_token_from(client, page or url)
        return client.post(url, data={"csrf_token": token, **data}, **kwargs)

    return post


@pytest.fixture
def login(post_form):
    def sign_in(user: User, password: str = PASSWORD):
        response = post_form("/login", {"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return sign_in


@pytest.fixture
def mailbox(app):
    """A real SMTP server on loopback that the app sends its email to."""
    with Mailbox() as box:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=box.port, MAIL_FROM="shop@x.test")
        yield box


class LiveServer:
    def __init__(self, app):
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._thread.join(timeout=5)


@pytest.fixture
def live_server(app):
    """The real app on a free loopback port, served by threads."""
    with LiveServer(app) as server:
        yield server


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


def _page(browser, live_server, device, locale="en-US", **options):
    context = browser.new_context(base_url=live_server.url, locale=locale, **device, **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


@pytest.fixture
def phone_page(browser, live_server):
    context, page = _page(browser, live_server, PHONE)
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser, live_server):
    context, page = _page(browser, live_server, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open more browser contexts in one test: new_page(device="phone", javascript=False)."""
    contexts = []

    def open_page(device="phone", locale="en-US", javascript=True, **options):
        """`options`: more of the browser context's, a phone's `user_agent` say."""
        context, page = _page(
            browser,
            live_server,
            PHONE if device == "phone" else DESKTOP,
            locale=locale,
            java_script_enabled=javascript,
            **options,
        )
        contexts.append(context)
        return page

    yield open_page
    for context in contexts:
        context.close()


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def shop_morning(app):
    """10:00 in the shop today, the clock running: a test that counts shop days or hours ahead
    reads the same day at its end as at its start, whatever the hour the suite runs at (CI may
    run near the shop's midnight: a test begun at 23:59 once expected the next day's date)."""
    zone = ZoneInfo(app.config["SHOP_TIMEZONE"])
    with time_machine.travel(datetime.now(zone).replace(hour=10, minute=0), tick=True):
        yield
