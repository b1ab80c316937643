"""Small helpers the tests share: request headers, reading pages, races, SQL counting and
the browser tests' checks."""

import re
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from peewee import Database

from models import User
from models.db import db
from models.shop_time import shop_zone
from tasks.context import collect_kicks
from tasks.notifications import kick

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "docs" / "screenshots"

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}  # as a Chinese browser sends it
HTMX = {"HX-Request": "true", **EN}

PASSWORD = "correct horse battery staple"
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def make_user(role: str, email: str | None = None) -> User:
    return User.register(
        email or f"{role}-{uuid.uuid4().hex[:6]}@example.com", role.title(), PASSWORD, role=role
    )


def csrf_token_from(client, page_url: str) -> str:
    """The CSRF token of the form on `page_url`, as a browser would send it."""
    html = client.get(page_url).get_data(as_text=True)
    match = CSRF_INPUT.search(html)
    assert match, f"no CSRF token on {page_url}"
    return match.group(1)


HIDDEN_INPUT = re.compile(r'<input[^>]*type="hidden"[^>]*>')
NAME_ATTR = re.compile(r'name="([^"]+)"')
VALUE_ATTR = re.compile(r'value="([^"]*)"')


def hidden_inputs(html: str) -> dict[str, str]:
    """The hidden inputs of a page (CSRF token, submission key), as a browser would send them."""
    found = {}
    for tag in HIDDEN_INPUT.findall(html):
        name, value = NAME_ATTR.search(tag), VALUE_ATTR.search(tag)
        if name:
            found[name.group(1)] = value.group(1) if value else ""
    return found


def text_of(response) -> str:
    """A response's HTML as text: tags gone, white space one blank."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def timeline(html: str) -> str:
    """The order page from its timeline on."""
    return html[html.index('id="timeline"') :]


def numbers_in(html: str) -> list[int]:
    """Order numbers of the board's rows and cards, in page order."""
    return [int(n) for n in re.findall(r'class="order[^"]*"\s+data-number="(\d+)"', html)]


def shown_in(html: str) -> list[str]:
    """The orders a board page says it shows (what its poll sends back)."""
    return re.findall(r'name="shown" value="([^"]+)"', html)


def on_shop_clock(moment: datetime) -> str:
    """A stored UTC time as the designer's inputs write it, on the shop's clock."""
    return moment.replace(tzinfo=UTC).astimezone(shop_zone()).strftime("%Y-%m-%dT%H:%M")


@contextmanager
def web_request(app):
    """Like a view: the change commits (or not) inside, then the request's end kicks the queue
    with whatever it planned (Huey runs in immediate mode, so the tasks run right there)."""
    with app.test_request_context():
        collect_kicks()
        try:
            yield
        finally:
            kick()


def free_port() -> int:
    """A TCP port free on loopback now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


JOIN_TIMEOUT = 60


def race(app, count: int, work) -> list[tuple[str, object]]:
    """Run work(i) in `count` threads released together; return (outcome, value) per thread.

    outcome is "ok" with the return value, or the exception's class name with the exception.
    """
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(i: int) -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=JOIN_TIMEOUT)
                results[i] = ("ok", work(i))
        except Exception as error:
            results[i] = (type(error).__name__, error)
        finally:
            db.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a worker thread hung"
    return results


@contextmanager
def sql_statements():
    """Every SQL statement run inside the block, in order (the list fills as they run)."""
    statements = []
    original = Database.execute_sql

    def counting(self, sql, params=None, *args, **kwargs):
        statements.append(sql)
        return original(self, sql, params, *args, **kwargs)

    Database.execute_sql = counting
    try:
        yield statements
    finally:
        Database.execute_sql = original


def selects(statements: list[str]) -> list[str]:
    return [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]


def selects_while(client, url: str, headers=None) -> list[str]:
    """The SELECT statements that serving `url` (200) runs."""
    with sql_statements() as statements:
        assert client.get(url, headers=headers).status_code == 200
    return selects(statements)


@contextmanager
def confirmed_but_committed_late(app, order, hold: float):
    """Confirm `order` in a transaction that takes its change number now and commits only when
    the block ends; the block starts `hold` seconds after the change was made. Another writer in
    the block gets a later number but commits first (on PostgreSQL; SQLite's writers queue)."""
    from models.orders.lifecycle import Actor, transition_order
    from models.orders.order import Order

    taken, release = threading.Event(), threading.Event()

    def change():
        with app.app_context(), db.atomic():
            transition_order(Order.get_by_id(order.id), "confirmed", Actor.system())
            taken.set()
            release.wait(timeout=hold + 4)
        db.close()

    thread = threading.Thread(target=change)
    thread.start()
    assert taken.wait(timeout=10)
    time.sleep(hold)
    try:
        yield
    finally:
        release.set()
        thread.join(timeout=20)


def run_in_thread(work, timeout: float = 20):
    """What `work()` returns, run in a thread of its own (its own database connection)."""
    result = []

    def run():
        result.append(work())
        db.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=timeout)
    assert result, "the work did not finish"
    return result[0]


# --- in the browser --------------------------------------------------------------------------

MIN_TAP = 44  # CSS pixels, WCAG 2.5.5 / Apple HIG


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def sign_in(page, user, password: str = PASSWORD) -> None:
    page.fill("#email", user.email)
    page.fill("#password", password)
    page.get_by_role("button", name="Sign in").click()


def loaded_width(image, timeout: float = 10_000) -> int:
    """The natural width of the image `image` (a Playwright locator) once the browser has loaded
    it or given up on it (0: broken); a lazy image is scrolled to first, so that it loads."""
    image.scroll_into_view_if_needed()
    image.page.wait_for_function("img => img.complete", arg=image.element_handle(), timeout=timeout)
    return image.evaluate("img => img.naturalWidth")


def assert_fits_the_screen(page) -> None:
    """Nothing wider than the viewport: only .table-wrap may scroll sideways, inside itself.
    Measured once the page's stylesheets are in: right after a link is followed, an element
    of the new page can be there before its CSS, and unstyled text does not wrap as it will."""
    page.wait_for_load_state("load")
    overflow = page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const wide = [...document.querySelectorAll('body *')]
            .filter(el => !el.closest('.table-wrap') && el.getBoundingClientRect().right > width + 1)
            .map(el => el.tagName + (el.id ? '#' + el.id : '') + '.' + el.className);
          return {scroll: document.documentElement.scrollWidth, width, wide};
        }"""
    )
    assert overflow["scroll"] <= overflow["width"], overflow
    assert not overflow["wide"], overflow


def assert_tap_targets_are_big_enough(page) -> None:
    page.wait_for_load_state("load")  # sizes as the page's CSS sets them (assert_fits_the_screen)
    small = page.evaluate(
        f"""() => [...document.querySelectorAll('a[href], button, input, select, textarea, label.check')]
          .filter(el => el.offsetParent !== null && !el.closest('.skip-link, [aria-hidden="true"]'))
          .filter(el => !(['checkbox', 'radio'].includes(el.type) && el.closest('label.check')))
          .map(el => [el.outerHTML.slice(0, 80), el.getBoundingClientRect()])
          .filter(([, r]) => r.height < {MIN_TAP} || r.width < {MIN_TAP})
          .map(([html, r]) => `${{html}} ${{Math.round(r.width)}}x${{Math.round(r.height)}}`)"""
    )
    assert not small, small
