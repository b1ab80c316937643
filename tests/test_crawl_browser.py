"""Every page a signed-in admin, a staff member and an anonymous customer can reach, walked in
Chromium on a phone and a desktop, in English and in Chinese. A page fails on what a user would
notice: an error status, a JavaScript error, a page wider than the phone, no heading, or English
words left on a Chinese page.

The crawl starts where each person starts (/board/ after signing in; the order form, tracking
page, 接龙 list, /my and /login for a customer), follows the same-origin links of every page
breadth-first and opens each distinct page once (query values ignored, a few pages per kind of
URL). Downloads are fetched, not opened; links that change something (the language switch) are
not followed. Problems are collected for the whole walk and reported together."""

import json
import random
import re
from collections import deque
from urllib.parse import parse_qsl, urlsplit

import pytest
from playhouse.shortcuts import model_to_dict
from werkzeug.datastructures import MultiDict

from models.catalog import Product
from models.customer import Customer
from models.demo_shop import (
    build_catalog,
    build_rules,
    build_templates,
    place_demo_orders,
    settle_seeded_work,
)
from models.export_job import start_export
from models.form_template import FormTemplate, FormTemplateVersion
from models.lifecycle import Actor, transition_order
from models.notes import Note, add_note
from models.order import Order, OrderEvent
from models.payments import record_payment
from models.pickup import PickupPoint
from models.product_admin import StockMovement
from models.rules import Rule
from models.saved_view import SavedView, save_view
from models.user import User
from tests.factories import order_for
from tests.test_browser import sign_in

pytestmark = pytest.mark.browser

MAX_PAGES = 60  # per person and screen
PER_KIND = 6  # pages per kind of numbered URL: /board/orders/<n>, /admin/rules/<n>, …
VARIANTS = 2  # pages per path with other query arguments: /board/picking?status=…, …
PHONE_WIDTH = 390
NOT_FOLLOWED = ("/logout", "/locale/", "/static/", "/my/sign-out")
DOWNLOADS = re.compile(r"(\.csv|\.xlsx|/download)$")
# Latin text a Chinese page may show besides what the shop typed in (names, products, …).
LATIN_ALLOWED = {"CN¥", "WeChat", "WeChat Pay", "Alipay", "SKU", "CSV", "XLSX", "QR", "SMS"}
ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z'’]*(?:[ \u00a0][A-Za-z][A-Za-z'’]*){2,}")

# Pages each person must be able to reach by following links.
STAFF_PAGES = {
    "/board/",
    "/inbox",
    "/board/orders/<n>",
    "/board/orders/<n>/edit",
    "/board/picking",
    "/board/pickup",
    "/board/pickup/<n>",
    "/board/export.xlsx",
    "/board/exports/<n>",
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
def shop(app, admin, staff, tmp_path):
    """The demo shop in small: its catalog, both activities (goods with pickup points, a
    service with time slots), its rules, orders of the last month and today's in every status,
    a payment, a note, saved views and a finished export."""
    app.config["EXPORT_DIR"] = str(tmp_path / "exports")
    with app.test_request_context(headers={"Accept-Language": "en"}):  # an export's language
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
        shop = {
            "slugs": [t.slug for t in FormTemplate.select().order_by(FormTemplate.id)],
            "token": today[0].tracking_token,
            "finished": [order.number for order in today[-2:]],  # completed, cancelled
            "latin": shop_text(),
        }
    return shop


def shop_text() -> str:
    """Everything the shop, its staff and its customers typed in, as one lowercase text."""
    rows = []
    for model in TYPED_IN:
        rows += [model_to_dict(row, recurse=False) for row in model.select()]
    return json.dumps(rows, ensure_ascii=False, default=str).lower()


# --- one page -------------------------------------------------------------------------------


class Visitor:
    """Opens pages in one browser tab and says what is wrong with each."""

    def __init__(self, page, phone: bool, latin: str | None = None):
        self.page, self.phone, self.latin = page, phone, latin
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(f"JavaScript: {error}"))
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and self.errors.append(f"console: {message.text} ({message.location.get('url')})")
            ),
        )

    def visit(self, url: str) -> list[str]:
        self.errors.clear()
        page = self.page
        response = page.goto(url)
        problems = []
        if response is None or response.status >= 400:
            problems.append(f"status {response.status if response else 'none'}")
        page.wait_for_function("() => !document.querySelector('.htmx-request')")
        if page.locator("h1").count() == 0:
            problems.append("no <h1>")
        if self.phone:
            width = page.evaluate(WIDTH)
            if width["scroll"] > PHONE_WIDTH:
                problems.append(f"{width['scroll']}px wide on a phone: {width['wide'][:4]}")
        if self.latin is not None:
            english = self.english_left(page.evaluate(VISIBLE_TEXT))
            if english:
                problems.append(f"English on the Chinese page: {english}")
        return problems + self.errors

    def english_left(self, text: str) -> list[str]:
        """Runs of 3+ English words that are not in what the shop typed in."""
        return sorted(
            {
                run
                for line in text.splitlines()
                for run in ENGLISH_RUN.findall(line)
                if run not in LATIN_ALLOWED and run.lower() not in self.latin
            }
        )

    def links(self) -> list[str]:
        return self.page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")


# What overflows the page: the innermost elements past the right edge, outside a scroller.
WIDTH = """() => ({
  scroll: document.documentElement.scrollWidth,
  wide: [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .filter(el => !el.parentElement.closest('.table-wrap')
                  || getComputedStyle(el).position === 'absolute')
    .map(el => el.tagName + (el.id ? '#' + el.id : '') + '.' + el.className)
    .reverse()
})"""

# The page's text as a user reads it (code samples aside), and the words of its placeholders,
# tooltips and labels for screen readers.
VISIBLE_TEXT = """() => {
  let text = document.body.innerText;
  for (const code of document.querySelectorAll('code, pre, kbd, samp')) {
    text = text.replace(code.innerText, ' ');
  }
  const attributes = [...document.querySelectorAll('[placeholder], [title], [aria-label], img[alt]')]
    .flatMap(el => ['placeholder', 'title', 'aria-label', 'alt'].map(name => el.getAttribute(name)))
    .filter(Boolean);
  return [text, ...attributes].join('\\n');
}"""


# --- the walk -------------------------------------------------------------------------------


def kind_of(path: str) -> str:
    """/board/orders/12 and /board/orders/15 are the same kind of page."""
    return re.sub(r"/\d+", "/<n>", path)


def crawl(visitor, origin: str, start: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Visit pages breadth-first from `start`; return the pages visited and what failed.

    A page is its path and the names of its query arguments (their values are ignored). Kinds
    of page not seen yet go first; at most PER_KIND numbered pages of a kind and VARIANTS of a
    path are opened, MAX_PAGES in all."""
    new_kinds, more = deque(start), deque()  # links to kinds of page not opened yet, the rest
    seen: set[tuple[str, frozenset]] = set()
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
        problems = visitor.visit(url)
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


def again_in_chinese(page, origin: str, latin: str, visited: list[str]) -> dict[str, list[str]]:
    """Every page once more with the language cookie set to Chinese, on the phone."""
    page.context.add_cookies([{"name": "locale", "value": "zh_CN", "url": origin}])
    chinese = Visitor(page, phone=True, latin=latin)
    found = {f"zh {url}": chinese.visit(f"{origin}{url}") for url in visited}
    return {url: problems for url, problems in found.items() if problems}


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_every_page_a_signed_in_user_reaches(request, new_page, live_server, shop, role):
    """From the board, on a desktop and on a phone, then the phone's pages in Chinese."""
    user = request.getfixturevalue(role)
    origin = live_server.url
    # The column view is chosen in a select; the board opens on open orders, so a completed and
    # a cancelled one (linked from the column view) are opened from the start too.
    start = [f"{origin}/board/", f"{origin}/board/?view=columns&created=all"]
    start += [f"{origin}/board/orders/{number}" for number in shop["finished"]]
    failures = {}
    for device in ("desktop", "phone"):  # the phone last: its tab goes on in Chinese
        page = new_page(device)
        page.goto("/login")
        sign_in(page, user)
        page.wait_for_url("**/board/")
        visited, found = crawl(Visitor(page, phone=device == "phone"), origin, start)
        failures |= {f"{device} {url}": problems for url, problems in found.items()}
        unreached = (ADMIN_PAGES if role == "admin" else STAFF_PAGES) - {
            kind_of(urlsplit(url).path) for url in visited
        }
        if unreached:
            failures[f"{device}: no link leads to"] = sorted(unreached)

    failures |= again_in_chinese(page, origin, shop["latin"], visited)
    assert not failures, "\n" + report(failures)


def test_every_page_a_customer_reaches_on_a_phone(new_page, live_server, shop):
    """The order forms, the 接龙 list, a tracking page, /my and sign-in, then in Chinese."""
    origin = live_server.url
    start = [f"{origin}/f/{slug}" for slug in shop["slugs"]]
    start += [f"{origin}/f/{shop['slugs'][0]}/list"]  # the fruit group-buy shows its list
    start += [f"{origin}{path}" for path in (f"/o/{shop['token']}", "/my", "/login", "/")]
    page = new_page("phone")
    visited, failures = crawl(Visitor(page, phone=True), origin, start)
    assert {urlsplit(url).path for url in start} <= set(visited), visited

    failures |= again_in_chinese(page, origin, shop["latin"], visited)
    assert not failures, "\n" + report(failures)
