"""Security headers on every response, and pages that need no exception to the
Content-Security-Policy: no inline script, handler, hx-on or style in any web template."""

import re

import pytest

from blueprints.security_headers import CONTENT_SECURITY_POLICY, HEADERS
from tests.factories import make_activity, make_product
from tests.helpers import HTMX, ROOT, csrf_token_from

TEMPLATES = ROOT / "templates"
WEB_TEMPLATES = sorted(p for p in TEMPLATES.rglob("*.html") if "email" not in p.parts)
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "hx-on attribute": re.compile(r"\shx-on", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "style element": re.compile(r"<style", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "htmx trigger filter (eval)": re.compile(r"hx-trigger=\"[^\"]*\["),
    "htmx js: values (eval)": re.compile(r"hx-vals=['\"]\s*js:"),
}


def assert_headers(response) -> None:
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (name, response.headers.get(name))


def test_the_policy_allows_only_our_own_scripts_and_styles():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY
    assert HEADERS["X-Content-Type-Options"] == "nosniff"
    assert HEADERS["Referrer-Policy"] == "same-origin"


def test_every_kind_of_response_carries_the_headers(app, client, staff, login):
    with app.app_context():
        slug = make_activity([make_product()]).template.slug
    for response in (
        client.get("/login"),  # a page
        client.get("/board/"),  # a redirect to sign in
        client.get("/nowhere"),  # an error page
        client.get("/static/css/app.css"),  # a file
        client.get("/healthz"),  # JSON
        client.get(f"/f/{slug}/live", headers=HTMX),  # a fragment
        client.post("/login", data={}),  # a refusal (no CSRF token)
    ):
        assert_headers(response)
    login(staff)
    assert_headers(client.get("/board/export.csv?created=all"))  # a download
    token = csrf_token_from(client, "/board/")
    assert_headers(client.post("/board/views", data={"csrf_token": token, "name": ""}))


def test_a_crash_page_carries_the_headers_too(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/crash")
    def crash():
        raise RuntimeError("boom")

    response = client.get("/crash")
    assert response.status_code == 500
    assert_headers(response)


@pytest.mark.parametrize("template", WEB_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_needs_inline_script_or_style(template):
    text = template.read_text()
    found = [what for what, pattern in INLINE.items() if pattern.search(text)]
    assert not found, found


def test_htmx_is_told_to_need_neither_eval_nor_an_inline_style():
    base = (TEMPLATES / "base.html").read_text()
    config = re.search(r'name="htmx-config" content=\'([^\']+)\'', base).group(1)
    assert '"allowEval": false' in config
    assert '"includeIndicatorStyles": false' in config
