"""Languages: which one a page is in, the translated catalogs, money and time formatting.

The pages need the compiled catalogs (`make translations`; `make test` runs it first).
"""

import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.pofile import read_po
from babel.support import Translations
from flask import render_template_string

import i18n
from models import money
from tests.helpers import EN, ROOT, ZH

TRANSLATIONS = ROOT / "translations"
PYBABEL = [sys.executable, "-m", "babel.messages.frontend"]

STATUS_LABELS_ZH = ["待确认", "已确认", "处理中", "已备好", "已完成", "已取消"]
STATUS_LABELS_EN = ["Pending", "Confirmed", "Processing", "Ready", "Completed", "Cancelled"]


def _catalog_dir(code: str) -> Path:
    """Where Flask-Babel looks for `code`'s catalog: Babel's own name for the locale,
    so "zh_CN" is looked up as translations/zh_Hans_CN/."""
    return TRANSLATIONS / str(Locale.parse(code)) / "LC_MESSAGES"


def _read_catalog(code: str):
    path = _catalog_dir(code) / "messages.po"
    assert path.exists(), f"no {code} catalog at {path.relative_to(ROOT)}"
    with path.open("rb") as file:
        return read_po(file)


def _text(html: str, tag: str) -> str:
    match = re.search(rf"<{tag}\b[^>]*>(.*?)</{tag}>", html, re.S)
    assert match, f"no <{tag}> in the page"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def _html_lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', html)
    assert match, "no <html lang>"
    return match.group(1)


def _login_page(client, **kwargs) -> str:
    response = client.get("/login", **kwargs)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _assert_chinese_login(html: str) -> None:
    assert _html_lang(html) == "zh-CN"
    assert _text(html, "title").startswith("登录 · ")
    assert _text(html, "h1") == "员工登录"
    assert _text(html, "button") == "登录"
    assert '<label for="email">邮箱</label>' in html
    assert '<label for="password">密码</label>' in html
    assert "在此设备上保持登录" in html
    assert "Staff sign in" not in html
    assert "Keep me signed in" not in html


def _assert_english_login(html: str) -> None:
    assert _html_lang(html) == "en"
    assert _text(html, "title").startswith("Sign in · ")
    assert _text(html, "h1") == "Staff sign in"
    assert _text(html, "button") == "Sign in"
    assert '<label for="email">Email</label>' in html
    assert '<label for="password">Password</label>' in html
    assert "Keep me signed in on this device" in html
    assert "员工登录" not in html


# --- which language a page is in ----------------------------------------------------------


def test_a_chinese_browser_gets_chinese_pages(client):
    _assert_chinese_login(_login_page(client, headers=ZH))


def test_an_english_browser_gets_english_pages(client):
    _assert_english_login(_login_page(client, headers=EN))


@pytest.mark.parametrize("headers", [{}, {"Accept-Language": "fr-FR,fr;q=0.9"}])
def test_without_a_supported_language_the_default_locale_is_used(app, client, headers):
    app.config["DEFAULT_LOCALE"] = "zh_CN"  # the shipped default (config.py)
    _assert_chinese_login(_login_page(client, headers=headers))
    app.config["DEFAULT_LOCALE"] = "en"
    _assert_english_login(_login_page(client, headers=headers))


def test_the_language_switch_sets_a_cookie_that_wins_over_the_browser(client):
    response = client.get("/locale/en?next=/login", headers=ZH)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert any(c.startswith("locale=en;") for c in response.headers.getlist("Set-Cookie"))
    _assert_english_login(_login_page(client, headers=ZH))

    response = client.get("/locale/zh_CN?next=/login", headers=EN)
    assert response.headers["Location"] == "/login"
    html = _login_page(client, headers=EN)
    _assert_chinese_login(html)
    assert re.search(r'lang="zh-CN"\s+aria-current="true"', html)


@pytest.mark.parametrize(
    "target", ["//evil.example", "//evil.example/login", "https://evil.example/", "/\\evil.example"]
)
def test_the_language_switch_does_not_follow_a_link_off_the_site(client, target):
    response = client.get("/locale/en", query_string={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    _assert_english_login(_login_page(client, headers=ZH))


def test_an_unknown_language_is_not_remembered(client):
    response = client.get("/locale/fr?next=/login", headers=EN)
    assert response.headers["Location"] == "/login"
    assert not response.headers.getlist("Set-Cookie")
    _assert_chinese_login(_login_page(client, headers=ZH))


def test_form_errors_are_translated(client, staff, post_form):
    response = post_form("/login", {"email": staff.email, "password": "wrong"}, headers=ZH)
    assert response.status_code == 422
    assert "邮箱或密码不正确，或账号已停用。" in response.get_data(as_text=True)

    response = post_form("/login", {"email": "", "password": ""}, headers=ZH)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请输入邮箱。" in html
    assert "请输入密码。" in html

    response = post_form("/login", {"email": "", "password": ""}, headers=EN)
    assert "Enter your email." in response.get_data(as_text=True)


def test_the_order_board_shows_status_names_in_the_page_language(client, staff, login):
    login(staff)
    html = client.get("/board/", headers=ZH).get_data(as_text=True)
    assert _text(html, "h1") == "订单"
    assert "还没有订单。" in html
    assert "退出登录" in html
    for label in STATUS_LABELS_ZH:
        assert f"<span>{label}</span>" in html

    html = client.get("/board/", headers=EN).get_data(as_text=True)
    assert _text(html, "h1") == "Orders"
    for label in STATUS_LABELS_EN:
        assert f"<span>{label}</span>" in html


# --- money and time -----------------------------------------------------------------------

# What Babel 2.18 (CLDR) writes for CNY: the plain ¥ in Chinese, CN¥ in English.
MONEY = [
    (123450, "¥1,234.50", "CN¥1,234.50"),
    (5, "¥0.05", "CN¥0.05"),
    (0, "¥0.00", "CN¥0.00"),
    (None, "¥0.00", "CN¥0.00"),
    (-123450, "-¥1,234.50", "-CN¥1,234.50"),
    (123456789, "¥1,234,567.89", "CN¥1,234,567.89"),
]


@pytest.mark.parametrize(("fen", "chinese", "english"), MONEY)
def test_money_from_integer_fen(app, fen, chinese, english):
    with app.test_request_context(headers=ZH):
        assert i18n.format_money(fen) == chinese
    with app.test_request_context(headers=EN):
        assert i18n.format_money(fen) == english


def test_money_has_as_many_decimals_as_the_shop_currency(app):
    """Amounts are read, shown and typed with the currency's decimals (Babel's CLDR data):
    fen for yuan, whole yen for a shop in yen."""
    with app.test_request_context(headers=EN):
        assert (money.minor_units("12.5"), money.amount_text(1250)) == (1250, "12.50")
        app.config["SHOP_CURRENCY"] = "JPY"
        assert i18n.format_money(1250) == "¥1,250"
        assert (money.minor_units("1250"), money.amount_text(1250)) == (1250, "1250")


@pytest.mark.parametrize(
    ("currency", "typed", "minor"),
    [
        ("CNY", "12.5", 1250),
        ("CNY", "¥1,200.05", 120005),
        ("CNY", " ￥3 ", 300),
        ("CNY", "12.505", None),  # a fen has no fractions
        ("CNY", "12,5€", None),
        ("CNY", "", None),
        ("JPY", "1250", 1250),
        ("JPY", "12.5", None),  # a yen has no decimals
    ],
)
def test_an_amount_is_read_as_typed_with_the_currency_decimals(app, currency, typed, minor):
    """One reader for every typed amount: prices, payments and the rules' total conditions."""
    app.config["SHOP_CURRENCY"] = currency
    with app.test_request_context():
        assert money.typed_amount(typed) == minor


# 16:30 UTC on 1 January is 00:30 on 2 January in Shanghai (UTC+8, no daylight saving).
NAIVE_UTC = datetime(2026, 1, 1, 16, 30)


@pytest.mark.parametrize("stored", [NAIVE_UTC, NAIVE_UTC.replace(tzinfo=UTC)])
def test_times_are_shown_in_the_shop_time_zone(app, stored):
    assert app.config["SHOP_TIMEZONE"] == "Asia/Shanghai"
    with app.test_request_context(headers=ZH):
        assert i18n.format_time(stored) == "2026年1月2日 00:30"
        assert i18n.format_time(stored, "weekday") == "2026年1月2日周五 00:30"
        assert i18n.format_time(stored, "medium") == "2026年1月2日 00:30:00"
        assert i18n.format_time(stored, "yyyy-MM-dd HH:mm") == "2026-01-02 00:30"
    with app.test_request_context(headers=EN):
        assert i18n.format_time(stored) == "Jan 2, 2026, 12:30\u202fAM"
        assert i18n.format_time(stored, "weekday") == "Fri, Jan 2, 2026, 12:30\u202fAM"
        assert i18n.format_time(stored, "medium") == "Jan 2, 2026, 12:30:00\u202fAM"


def test_a_missing_time_is_blank(app):
    with app.test_request_context(headers=ZH):
        assert i18n.format_time(None) == ""


def test_templates_format_with_the_money_and_datetime_filters(app):
    source = "{{ total|money }} {{ at|datetime }}"
    with app.test_request_context(headers=ZH):
        assert (
            render_template_string(source, total=1250, at=NAIVE_UTC) == "¥12.50 2026年1月2日 00:30"
        )
    with app.test_request_context(headers=EN):
        assert (
            render_template_string(source, total=1250, at=NAIVE_UTC)
            == "CN¥12.50 Jan 2, 2026, 12:30\u202fAM"
        )


# --- the catalogs -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def extraction(tmp_path_factory):
    """Extract the strings afresh, exactly as `make messages` does: (msgids, files scanned)."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    # The arguments of the extract step of `make messages`, writing to a scratch file.
    arguments = ["-F", "babel.cfg", "-k", "_l", "-o", str(pot), "--no-location", "--sort-output"]
    result = subprocess.run(
        [*PYBABEL, "extract", *arguments, "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    scanned = re.findall(r"^extracting messages from (\S+)", result.stderr, re.M)
    with pot.open("rb") as file:
        msgids = {message.id for message in read_po(file) if message.id}
    return msgids, scanned


def test_extraction_scans_only_the_project_code_and_templates(extraction):
    msgids, scanned = extraction
    assert "templates/auth/login.html" in scanned
    assert "forms/auth.py" in scanned
    assert "models/orders/lifecycle.py" in scanned
    outside = [path for path in scanned if path.split("/")[0] in {".venv", "node_modules", "tests"}]
    assert outside == []
    # From a template, a view (gettext), a form and a model (lazy_gettext):
    assert {
        "Staff sign in",
        "Too many requests in a short time. Wait a moment and try again.",
    } <= msgids
    assert {"That email and password do not match an active account."} <= msgids
    assert {"Enter your password.", "Pending", "Not enough stock left."} <= msgids


@pytest.mark.parametrize("code", ["zh_CN", "en"])
def test_every_string_in_the_code_is_in_the_catalogs(extraction, code):
    msgids, _ = extraction
    catalog = {message.id for message in _read_catalog(code) if message.id}
    missing = sorted(msgids - catalog)
    assert missing == [], f"run `make messages` and translate: {missing}"


def test_every_chinese_string_is_translated():
    catalog = _read_catalog("zh_CN")
    untranslated = [m.id for m in catalog if m.id and not (m.string and m.string.strip())]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == [], "fuzzy translations are not compiled; review them and drop the flag"
    problems = {message.id: [str(e) for e in errors] for message, errors in catalog.check()}
    assert problems == {}
    placeholder = re.compile(r"%\(\w+\)s")
    dropped = [
        m.id
        for m in catalog
        if m.id and sorted(placeholder.findall(m.id)) != sorted(placeholder.findall(m.string))
    ]
    assert dropped == [], "a translation must keep every %(name)s placeholder"
    copied = [m.id for m in catalog if m.id and m.string == m.id]
    assert copied == [], "these were copied, not translated"
    # A page formats every string it shows (Jinja's gettext: `rv % variables`), so a lone %
    # in a translation ("下单率（%）") is a 500 in Chinese only; notice templates ({{ }}) are not.
    formatted = re.compile(r"%%|%\(\w+\)[sd]")
    stray = [
        m.id for m in catalog if m.id and "{{" not in m.id and "%" in formatted.sub("", m.string)
    ]
    assert stray == [], "write %% or words, not a lone %"


def test_the_chinese_translations_read_as_expected():
    strings = {message.id: message.string for message in _read_catalog("zh_CN") if message.id}
    assert dict(zip(STATUS_LABELS_EN, STATUS_LABELS_ZH, strict=True)) == {
        label: strings[label] for label in STATUS_LABELS_EN
    }
    assert strings["Sign in"] == "登录"
    assert strings["Orders"] == "订单"
    assert strings["Order #%(number)s cannot go from %(from)s to %(to)s."] == (
        "订单 #%(number)s 无法从“%(from)s”改为“%(to)s”。"
    )


@pytest.mark.parametrize("code", ["zh_CN", "en"])
def test_the_compiled_catalog_is_up_to_date(code):
    mo = _catalog_dir(code) / "messages.mo"
    assert mo.exists(), "run `make translations` (pybabel compile) before the tests"
    with mo.open("rb") as file:
        compiled = Translations(file)
    for message in _read_catalog(code):
        if message.id:
            found = (
                compiled.pgettext(message.context, message.id)
                if message.context  # "Name" of a person or of a thing
                else compiled.gettext(message.id)
            )
            assert found == (message.string or message.id), (
                f"{mo.relative_to(ROOT)} is older than its .po; run `make translations`"
            )


def test_the_shop_speaks_chinese_unless_told_otherwise(monkeypatch, tmp_path):
    import config

    monkeypatch.delenv("DEFAULT_LOCALE", raising=False)
    assert config.from_environment(tmp_path)["DEFAULT_LOCALE"] == "zh_CN"


@pytest.mark.parametrize(
    ("region", "e164", "shown"),
    [
        ("CN", "+8613900017143", "139 0001 7143"),
        ("CN", "+12125550100", "+1 212-555-0100"),  # another country keeps its code
        ("US", "+12125550100", "(212) 555-0100"),
        ("US", "+8613900017143", "+86 139 0001 7143"),
        ("CN", "not a number", "not a number"),
    ],
)
def test_phones_read_as_people_in_the_shops_region_write_them(app, region, e164, shown):
    app.config["SHOP_PHONE_REGION"] = region
    with app.test_request_context(headers=EN):
        assert render_template_string("{{ phone|phone }}", phone=e164) == shown
