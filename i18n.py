"""Language choice, money and time formatting for templates.

Language codes are the ones users see and the cookie stores: "zh_CN" and "en". Babel
expands "zh_CN" to the CLDR name "zh_Hans_CN", and Flask-Babel looks the catalog up by
that name, so the Chinese catalog lives in translations/zh_Hans_CN/ (`make messages`
updates it, `make translations` compiles it).
"""

from decimal import Decimal

from babel.numbers import format_currency
from flask import current_app, has_request_context, request
from flask_babel import format_datetime, get_locale
from flask_babel.speaklater import LazyString

LOCALES = ("zh_CN", "en")
LOCALE_COOKIE = "locale"

# flask-babel's lazy strings (`_l`) say they are safe HTML (`__html__`), so Jinja and markupsafe
# print them unescaped, with whatever text was formatted into them: a rule's message put into
# `_l("Message to %(to)s: %(message)s", …)` ran as script on its Try page. Our translations hold
# no markup; a lazy string is text, escaped like any other.
if hasattr(LazyString, "__html__"):
    del LazyString.__html__


def select_locale() -> str:
    """The cookie set by the language switch, else the browser's preference."""
    if not has_request_context():
        return current_app.config["DEFAULT_LOCALE"]
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in LOCALES:
        return chosen
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"])
    if best is None:
        return current_app.config["DEFAULT_LOCALE"]
    return "zh_CN" if best.startswith("zh") else "en"


def format_money(fen: int | None, currency: str | None = None) -> str:
    """Integer minor units (fen) as the shop's currency, in the page's language:
    1250 -> ¥12.50 in Chinese, CN¥12.50 in English (Babel's CLDR symbols)."""
    amount = Decimal(fen or 0).scaleb(-2)
    currency = currency or current_app.config["SHOP_CURRENCY"]
    return format_currency(amount, currency, locale=str(get_locale()))


def format_time(value, format: str = "short") -> str:
    """A stored UTC datetime in the shop's time zone, in the page's language."""
    return format_datetime(value, format) if value else ""


def init_app(app) -> None:
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["datetime"] = format_time
    app.jinja_env.globals["LOCALES"] = {"zh_CN": "中文", "en": "English"}
    app.jinja_env.globals["get_locale"] = get_locale
