"""The crawl's checks (tests/page_checks.py) catch what they are there for, on small pages made
for the purpose: a CSP violation, a console warning, an error logged by a poll a few seconds
after loading, a button whose text wraps, a page wider than the screen, English on a Chinese
page and an input without a label. A page with none of these passes."""

import pytest

from tests.page_checks import Visitor

pytestmark = pytest.mark.browser

SITE = "http://checks.test"
CSP = "default-src 'self'; script-src 'self'"
CLEAN = """<!doctype html><html lang="en"><head><title>Clean</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body><main>
<h1>A clean page</h1><form><label for="q">Search</label><input id="q" name="q">
<button type="submit">Go somewhere</button></form></main></body></html>"""


@pytest.fixture
def serve(new_page):
    """Serve `html` (with `headers`) at SITE/ to a new phone tab; return the tab's visitor."""

    def open_site(html: str, headers: dict | None = None, **visitor) -> Visitor:
        page = new_page("phone")
        page.route(
            f"{SITE}/**",
            lambda route: route.fulfill(
                body=html, headers={"content-type": "text/html", **(headers or {})}
            ),
        )
        return Visitor(page, **visitor)

    return open_site


def problems_of(visitor: Visitor) -> str:
    return "\n".join(visitor.visit(f"{SITE}/", audit=True))


def test_a_clean_page_passes_every_check(serve):
    assert problems_of(serve(CLEAN, {"content-security-policy": CSP})) == ""


def test_a_script_the_content_security_policy_blocks_is_reported(serve):
    page = CLEAN.replace("</main>", "<script>document.title = 'inline'</script></main>")
    assert "Content-Security-Policy" in problems_of(serve(page, {"content-security-policy": CSP}))


def test_console_warnings_and_errors_are_reported(serve):
    page = CLEAN.replace("</main>", "<script>console.warn('htmx says: careful')</script></main>")
    assert "console warning: htmx says: careful" in problems_of(serve(page))


def test_an_error_a_poll_logs_seconds_later_is_reported(serve):
    """The page's clock runs fast: a 5 s poll has run before the page is judged."""
    page = CLEAN.replace(
        "</main>", "<script>setTimeout(() => console.error('poll failed'), 5000)</script></main>"
    )
    assert "console error: poll failed" in problems_of(serve(page))


def test_a_button_whose_text_wraps_is_reported(serve):
    page = CLEAN.replace("<button", "<button style='width: 60px'")
    assert "button text wraps: ['Go somewhere (60px)']" in problems_of(serve(page))


def test_a_page_wider_than_the_screen_is_reported(serve):
    page = CLEAN.replace("</main>", "<p style='width: 500px'>wide</p></main>")
    assert "px wide on a 390px screen: ['P.']" in problems_of(serve(page))


def test_english_left_on_a_chinese_page_is_reported(serve):
    page = CLEAN.replace("A clean page", "订单 Please check the fields")
    problems = problems_of(serve(page, latin="search go somewhere"))  # typed in by the shop
    assert "English on the Chinese page: ['Please check the fields']" in problems


def test_axe_reports_an_input_without_a_label(serve):
    page = CLEAN.replace('<label for="q">Search</label>', "")
    assert "axe label (critical)" in problems_of(serve(page))
