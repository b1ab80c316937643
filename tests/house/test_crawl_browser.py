"""Every page a signed-in admin, a staff member and an anonymous customer can reach, walked in
Chromium on a phone (390 px) and a desktop (1280 px), each in English and in Chinese: four walks
per person. A page fails on what a user would notice (tests/page_checks.py): an error status, a
JavaScript error, a console error or warning (htmx's own complaints included), a
Content-Security-Policy violation, sideways scrolling, a button whose text wraps, no heading,
English words left on a Chinese page, or a serious or critical axe-core violation.

The crawl starts where each person starts (/board/ after signing in; the order form, tracking
page, 接龙 list, /my and /login for a customer), follows the same-origin links of every page
breadth-first and opens each distinct page once (query values ignored, a few pages per kind of
URL). Each page's polls run once on a fast clock before it is checked. axe-core, the slow
check, runs on the first page of each kind in each walk (/board/orders/<n> once, /board/ and
/board/?view=… each once): the pages of a kind share their template. Downloads are fetched,
not opened; links that change something (the language switch) are not followed. Problems are
collected for the whole walk and reported together.

What keeps four walks per person in time: PER_KIND numbered pages of a kind (3, was 6), axe
once per kind of page in each walk and not in a staff member's walks (the admin's cover the
same templates), and the two screens walking at the same time (every_walk)."""

import json
import random
import re
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qsl, urlsplit

import pytest
from playhouse.shortcuts import model_to_dict
from playwright.sync_api import sync_playwright
from werkzeug.datastructures import MultiDict

from commands.demo.shop import (
    build_catalog,
    build_rules,
    build_templates,
    place_demo_orders,
    settle_seeded_work,
)
from models.accounts.user import User
from models.activities.pickup import PickupPoint
from models.activities.template import FormTemplate, FormTemplateVersion
from models.automation.rules import Rule
from models.board.saved_views import SavedView, save_view
from models.catalog.admin import StockMovement
from models.catalog.products import Product
from models.customers.customer import Customer
from models.exports.jobs import start_export
from models.orders.lifecycle import Actor, transition_order
from models.orders.notes import Note, add_note
from models.orders.order import Order, OrderEvent
from models.orders.payments import record_payment
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE
from tests.factories import order_for
from tests.helpers import EN, PASSWORD
from tests.page_checks import Visitor

pytestmark = pytest.mark.browser

MAX_PAGES = 90  # per walk
PER_KIND = 3  # pages per kind of numbered URL: /board/orders/<n>, /admin/rules/<n>, …
VARIANTS = 2  # pages per path with other query arguments: /board/picking?status=…, …
SCREEN_OPTIONS = {"desktop": DESKTOP, "phone": PHONE}  # 1280 and 390 px wide
SCREENS = tuple(SCREEN_OPTIONS)
LANGUAGES = {"en": "en-US", "zh": "zh-CN"}  # the browser's language
NOT_FOLLOWED = ("/logout", "/locale/", "/static/", "/my/sign-out")
DOWNLOADS = re.compile(r"(\.csv|\.xlsx|\.zip|/download)$")

# Pages each person must be able to reach by following links.
STAFF_PAGES = {
    "/board/",
    "/inbox",
    "/board/orders/<n>",
    "/board/orders/<n>/edit",
    "/board/picking",
    "/board/pickup",
    "/board/pickup/<n>",
    "/board/import",
    "/board/export.xlsx",
    "/board/exports/<n>",
    "/board/claims",
}
ADMIN_PAGES = STAFF_PAGES | {
    "/admin/users",
    "/admin/users/<n>",
    "/admin/forms/",
    "/admin/forms/<n>",
    "/admin/forms/<n>/settings",
    "/admin/forms/<n>/notifications",
    "/admin/forms/<n>/preview",
    "/admin/forms/pickup-points",
    "/admin/products",
    "/admin/products/new",
    "/admin/products/<n>",
    "/admin/rules",
    "/admin/rules/new",
    "/admin/rules/<n>",
    "/admin/rules/<n>/try",
    "/admin/deliveries",
    "/admin/collection-codes",
    "/reports/sales",
    "/reports/customers",
    "/reports/products",
    "/reports/settlement",
}

WALK = ["pending", "confirmed", "processing", "ready", "completed"]
TODAY = [  # today's orders: who placed them and where each is now
    ("王芳", "pending"),
    ("Emily Chen", "confirmed"),
    ("李娜", "processing"),
    ("Tom Zhou", "ready"),
    ("陈静", "completed"),
    ("David Li", "cancelled"),
]
# What the shop, its staff and its customers typed in: a Chinese page may show it as it is.
TYPED_IN = (
    Product,
    StockMovement,
    FormTemplate,
    FormTemplateVersion,
    PickupPoint,
    Customer,
    Order,
    OrderEvent,
    Note,
    Rule,
    SavedView,
    User,
)


@pytest.fixture
def demo_shop(app, admin, staff, tmp_path):
    """The demo shop in small: its catalog, both activities (goods with pickup points, a
    service with time slots), its rules, orders of the last month and today's in every status,
    a payment, a note, saved views and a finished export."""
    app.config["EXPORT_DIR"] = str(tmp_path / "exports")
    with app.test_request_context(headers=EN):  # an export's language
        products = build_catalog()
        templates = build_templates(products, admin)
        build_rules(templates, [admin, staff])
        place_demo_orders(templates, [admin, staff], 12, random.Random(20240601))
        fruit = templates[0]
        version = fruit.latest_version()
        strawberries = Product.get(Product.sku == "FR-STRAW")
        point = PickupPoint.select().order_by(PickupPoint.id).first()
        today = []
        for i, (name, target) in enumerate(TODAY):
            order = order_for(
                version,
                [(strawberries, 1 + i % 2)],
                name=name,
                pickup_point=point,
                answers={"remark": "下午取 / picking up in the afternoon"},
            )
            for status in WALK[1 : WALK.index(target) + 1] if target in WALK else WALK[1:2]:
                order = transition_order(order, status, Actor.of_user(staff))
            if target == "cancelled":
                order = transition_order(order, "cancelled", Actor.of_user(staff), note="改期")
            today.append(order)
        record_payment(today[3], None, "wechat", Actor.of_user(staff), None)
        add_note(today[0], author=staff, body="先打电话 / call first")
        save_view(staff, "待自提 Saturday pickup", "status=ready")
        save_view(admin, "未付款", "payment=unpaid")
        for user in (admin, staff):
            start_export(user, MultiDict({"created": "all"}), "csv")
        settle_seeded_work()
        demo_shop = {
            "slugs": [t.slug for t in FormTemplate.select().order_by(FormTemplate.id)],
            "token": today[0].tracking_token,
            "finished": [order.number for order in today[-2:]],  # completed, cancelled
            "latin": shop_text(),
        }
    return demo_shop


def shop_text() -> str:
    """Everything the shop, its staff and its customers typed in, as one lowercase text."""
    rows = []
    for model in TYPED_IN:
        rows += [model_to_dict(row, recurse=False) for row in model.select()]
    return json.dumps(rows, ensure_ascii=False, default=str).lower()


# --- the walk -------------------------------------------------------------------------------


def kind_of(path: str) -> str:
    """/board/orders/12 and /board/orders/15 are the same kind of page."""
    return re.sub(r"/\d+", "/<n>", path)


def crawl(visitor, origin: str, start: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Visit pages breadth-first from `start`; return the pages visited and what failed.

    A page is its path and the names of its query arguments (their values are ignored). Kinds
    of page not seen yet go first; at most PER_KIND numbered pages of a kind and VARIANTS of a
    path are opened, MAX_PAGES in all. The first page of each kind and set of query names is
    audited with axe-core."""
    new_kinds, more = deque(start), deque()  # links to kinds of page not opened yet, the rest
    seen: set[tuple[str, frozenset]] = set()
    audited: set[tuple[str, frozenset]] = set()
    kinds: dict[str, int] = {}
    visited: list[str] = []
    failures: dict[str, list[str]] = {}
    while (new_kinds or more) and len(visited) < MAX_PAGES:
        queue = new_kinds or more
        url = queue.popleft()
        parts = urlsplit(url)
        page_key = (parts.path, frozenset(name for name, _ in parse_qsl(parts.query)))
        kind = kind_of(parts.path)
        if page_key in seen or kinds.get(kind, 0) >= (PER_KIND if "<n>" in kind else VARIANTS):
            continue
        if queue is new_kinds and kind in kinds and url not in start:
            more.append(url)  # its kind was opened since it was found
            continue
        seen.add(page_key)
        kinds[kind] = kinds.get(kind, 0) + 1
        local = parts.path + (f"?{parts.query}" if parts.query else "")
        if DOWNLOADS.search(parts.path):
            response = visitor.page.request.get(url)
            if "text/html" not in response.headers.get("content-type", ""):
                if response.status != 200:
                    failures[local] = [f"download answered {response.status}"]
                continue
        audit_key = (kind, page_key[1])
        problems = visitor.visit(url, audit=audit_key not in audited)
        audited.add(audit_key)
        visited.append(local)
        if problems:
            failures[local] = problems
        for link in visitor.links():
            target = urlsplit(link)
            if f"{target.scheme}://{target.netloc}" != origin:
                continue  # mailto:, tel:, other sites
            if target.path.startswith(NOT_FOLLOWED):
                continue
            link = target._replace(fragment="").geturl()
            (more if kind_of(target.path) in kinds else new_kinds).append(link)
    return visited, failures


def report(failures: dict[str, list[str]]) -> str:
    return "\n".join(f"{url}: {'; '.join(problems)}" for url, problems in failures.items())


# --- the people -----------------------------------------------------------------------------


def every_walk(origin: str, demo_shop, walk, audit: bool = True) -> dict[str, list[str]]:
    """`walk(name, page, visitor)` on each screen in each language; what failed in all of them.

    The two screens walk at the same time, each in a thread with a Chromium of its own
    (Playwright's sync API is one instance per thread): the server renders one walk's pages
    while the browser checks the other's."""

    def on(screen: str) -> dict[str, list[str]]:
        failures = {}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for language, browser_language in LANGUAGES.items():
                context = browser.new_context(
                    base_url=origin, locale=browser_language, **SCREEN_OPTIONS[screen]
                )
                page = context.new_page()
                page.set_default_timeout(10_000)
                latin = demo_shop["latin"] if language == "zh" else None
                visitor = Visitor(page, latin=latin, audit=audit)
                failures |= walk(f"{screen} {language}", page, visitor)
                context.close()
            browser.close()
        return failures

    with ThreadPoolExecutor(len(SCREENS)) as pool:
        return {url: problems for found in pool.map(on, SCREENS) for url, problems in found.items()}


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_every_page_a_signed_in_user_reaches(request, browser, live_server, demo_shop, role):
    """From the board, on a desktop and on a phone, in English and in Chinese. axe-core runs
    in the admin's walks only: a staff member's pages are the same kinds, with fewer links."""
    user = request.getfixturevalue(role)
    origin = live_server.url
    # The column view is chosen in a select; the board opens on open orders, so a completed and
    # a cancelled one (linked from the column view) are opened from the start too.
    start = [f"{origin}/board/", f"{origin}/board/?view=columns&created=all"]
    start += [f"{origin}/board/orders/{number}" for number in demo_shop["finished"]]
    expected = ADMIN_PAGES if role == "admin" else STAFF_PAGES

    def walk(name, page, visitor):
        page.goto("/login")  # in either language
        page.fill("#email", user.email)
        page.fill("#password", PASSWORD)
        page.press("#password", "Enter")
        page.wait_for_url("**/board/")
        visited, found = crawl(visitor, origin, start)
        failures = {f"{name} {url}": problems for url, problems in found.items()}
        unreached = expected - {kind_of(urlsplit(url).path) for url in visited}
        if unreached:
            failures[f"{name}: no link leads to"] = sorted(unreached)
        return failures

    failures = every_walk(origin, demo_shop, walk, audit=role == "admin")
    assert not failures, "\n" + report(failures)


def test_every_page_a_customer_reaches(browser, live_server, demo_shop):
    """The order forms, the 接龙 list, a tracking page, /my and sign-in, on a phone and on a
    desktop, in English and in Chinese."""
    origin = live_server.url
    start = [f"{origin}/f/{slug}" for slug in demo_shop["slugs"]]
    start += [f"{origin}/f/{demo_shop['slugs'][0]}/list"]  # the fruit group-buy shows its list
    start += [f"{origin}{path}" for path in (f"/o/{demo_shop['token']}", "/my", "/login", "/")]

    def walk(name, _page, visitor):
        visited, found = crawl(visitor, origin, start)
        failures = {f"{name} {url}": problems for url, problems in found.items()}
        unopened = {urlsplit(url).path for url in start} - set(visited)
        if unopened:
            failures[f"{name}: not opened"] = sorted(unopened)
        return failures

    failures = every_walk(origin, demo_shop, walk)
    assert not failures, "\n" + report(failures)
