"""Language choice, money, time and phone formatting for templates.

Language codes are the ones users see and the cookie stores: "zh_CN" and "en". Babel
expands "zh_CN" to the CLDR name "zh_Hans_CN", and Flask-Babel looks the catalog up by
that name, so the Chinese catalog lives in translations/zh_Hans_CN/ (`make messages`
updates it, `make translations` compiles it).
"""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from babel import Locale, dates
from babel.numbers import format_currency, get_currency_precision
from flask import current_app, has_request_context, request
from flask_babel import format_datetime, get_locale, get_timezone, to_user_timezone
from flask_babel.speaklater import LazyString

from models import money
from models.activities.pickup import opening_hours
from models.customers.phones import format_phone

LOCALES = ("zh_CN", "en")
LOCALE_COOKIE = "locale"

# flask-babel's lazy strings (`_l`) say they are safe HTML (`__html__`), so Jinja and markupsafe
# print them unescaped, with whatever text was formatted into them: a rule's message put into
# `_l("Message to %(to)s: %(message)s", …)` ran as script on its Try page. Our translations hold
# no markup; a lazy string is text, escaped like any other.
if hasattr(LazyString, "__html__"):
    del LazyString.__html__


def select_locale() -> Locale:
    """The cookie set by the language switch, else the browser's preference."""
    return _parsed(_chosen_code())


@lru_cache(maxsize=16)
def _parsed(code: str) -> Locale:
    """Babel's Locale for a code: parsed once, not on every request."""
    return Locale.parse(code)


def _chosen_code() -> str:
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
    currency = currency or current_app.config["SHOP_CURRENCY"]
    locale = str(get_locale())
    shape = _money_shape(currency, locale)
    if shape is None or fen is None or fen < 0:
        return format_currency(money.amount(fen, currency), currency, locale=locale)
    return _shaped(fen, shape)


# A board page formats hundreds of amounts; Babel's `format_currency` costs ~40 µs each (its
# pattern applied through Decimal arithmetic). Where the locale writes the currency as a plain
# shape (a prefix, digits grouped by threes, two decimals, a suffix), the shape is read from
# Babel once and filled with integer arithmetic, and checked against Babel on sample amounts;
# any other locale or currency (no decimals, other grouping, a negative amount) stays Babel's.
_SAMPLE = re.compile(r"^(?P<pre>\D*?)1(?P<group>\D?)234(?P=group)567(?P<point>\D)89(?P<post>\D*)$")
_CHECKS = (0, 5, 99, 100, 1250, 99999, 100000, 123456, 123456789, 10**11 - 1)


@lru_cache(maxsize=32)
def _money_shape(currency: str, locale: str) -> tuple[str, str, str, str] | None:
    """(prefix, group separator, decimal point, suffix) of amounts in `currency` as `locale`
    writes them, or None where that is not the plain shape `_shaped()` fills."""
    if get_currency_precision(currency) != 2:
        return None
    found = _SAMPLE.match(format_currency(Decimal("1234567.89"), currency, locale=locale))
    if found is None:
        return None
    shape = (found["pre"], found["group"], found["point"], found["post"])
    for fen in _CHECKS:
        babel = format_currency(Decimal(fen).scaleb(-2), currency, locale=locale)
        if _shaped(fen, shape) != babel:
            return None
    return shape


def _shaped(fen: int, shape: tuple[str, str, str, str]) -> str:
    prefix, group, point, suffix = shape
    whole, cents = divmod(fen, 100)
    return f"{prefix}{whole:,}".replace(",", group) + f"{point}{cents:02d}{suffix}"


def format_time(value, format: str = "short") -> str:
    """A stored UTC datetime in the shop's time zone, in the page's language.

    "short": a medium date and a short time, never ambiguous: "Dec 6, 2026, 6:25 PM",
    "2026年12月6日 18:25". "weekday": the same with the day of the week ("Sun, Dec 6, 2026,
    6:25 PM", "2026年12月6日周日 18:25"). Any other format is Babel's (a CLDR width like
    "medium" or a pattern like "yyyy-MM-dd HH:mm").
    """
    if not value:
        return ""
    if format not in ("short", "weekday"):
        return format_datetime(value, format)
    local = to_user_timezone(value)
    return _short(local.date(), local.hour, local.minute, str(get_locale()), format == "weekday")


@lru_cache(maxsize=4096)
def _short(day: date, hour: int, minute: int, locale: str, weekday: bool) -> str:
    """`format_time`'s "short" and "weekday" text: the same for every moment of a minute, so
    kept (a board page shows a time on every row, and Babel takes ~60 µs to write one)."""
    local = datetime.combine(day, datetime.min.time()).replace(hour=hour, minute=minute)
    return _date_and_time(
        _day(local, locale, weekday=weekday),
        dates.format_time(local, "short", locale=locale),
        locale,
    )


def format_slot(slot, now: datetime | None = None) -> str:
    """A booked time slot (models/activities/slots.py BookedSlot) as customers and staff read it: its day
    with the weekday, its hours, how far off it is, and the admin's label when it says more:
    "Mon, Dec 7, 2026, 9:00 – 11:00 AM · in 2 days", "2026年12月7日周一 09:00–11:00 · 2天后".
    A slot that says no time reads as its label."""
    if slot.starts_at is None:
        return slot.label
    parts = [_slot_time(slot.starts_at, slot.ends_at), format_relative(slot.starts_at, now)]
    return " · ".join(parts + ([slot.note] if slot.note else []))


def _slot_time(starts_at: datetime, ends_at: datetime | None) -> str:
    return _slot_time_in(starts_at, ends_at, get_locale(), get_timezone())


@lru_cache(maxsize=4096)  # the same windows and slots on every page view; Babel is slow
def _slot_time_in(starts_at: datetime, ends_at: datetime | None, locale, zone) -> str:
    start = starts_at.replace(tzinfo=UTC).astimezone(zone)
    if ends_at is None:
        return format_time(starts_at, "weekday")
    end = ends_at.replace(tzinfo=UTC).astimezone(zone)
    if end.date() != start.date():
        return dates.format_interval(start, end, _skeleton(locale, "yMMMEd"), locale=locale)
    hours = dates.format_interval(start.time(), end.time(), _skeleton(locale), locale=locale)
    return _date_and_time(_day(start, locale, weekday=True), hours, locale)


def format_relative(moment: datetime, now: datetime | None = None) -> str:
    """How far a stored UTC time is from now: in hours later today ("in 3 hours"), else in
    days of the shop's calendar ("in 2 days", "2天后", "1 day ago"), in weeks or months from
    two weeks on."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    days = (to_user_timezone(moment).date() - to_user_timezone(now).date()).days
    if days == 0:
        return dates.format_timedelta(moment - now, add_direction=True, locale=get_locale())
    return _days_away(days, get_locale())


@lru_cache(maxsize=1024)
def _days_away(days: int, locale) -> str:
    return dates.format_timedelta(
        timedelta(days=days),
        add_direction=True,
        granularity="day",
        threshold=1 if abs(days) >= 14 else float("inf"),  # below two weeks: days
        locale=locale,
    )


def _day(local: datetime, locale, weekday: bool) -> str:
    if weekday:
        return dates.format_skeleton("yMMMEd", local, locale=locale)
    return dates.format_date(local, "medium", locale=locale)


def _date_and_time(day: str, time: str, locale) -> str:
    return dates.get_datetime_format("medium", locale=locale).replace("'", "").format(time, day)


def _skeleton(locale, date_part: str = "") -> str:
    """The locale's own clock: 12 hours with AM/PM in English, 24 hours in Chinese."""
    clock = "hm" if "h" in dates.get_time_format("short", locale=locale).pattern else "Hm"
    return date_part + clock


def format_window(window, now: datetime | None = None, relative: bool = True) -> str:
    """A pickup window (models/activities/pickup.py PickupWindow) read like a slot: "Sat, Dec 12, 2026,
    10:00 AM – 12:00 PM · in 2 days", "2026年12月12日周六 10:00–12:00 · 2天后"."""
    text = _slot_time(window.starts_at, window.ends_at)
    return f"{text} · {format_relative(window.starts_at, now)}" if relative else text


def format_opening_hours(point) -> str:
    """A pickup point's opening hours, days in a row with the same hours together:
    "Mon – Fri 9:00 AM – 6:00 PM, Sat 10:00 AM – 12:00 PM", "周一至周五 09:00–18:00，周六
    10:00–12:00"; "" without any."""
    locale = get_locale()
    chinese = locale.language == "zh"
    names = dates.get_day_names("abbreviated", locale=locale)
    runs: list[list] = []  # [first day, last day, (opens, closes)]
    for day, hours in sorted(opening_hours(point).items()):
        if runs and runs[-1][1] == day - 1 and runs[-1][2] == hours:
            runs[-1][1] = day
        else:
            runs.append([day, day, hours])
    through = "至" if chinese else " – "
    texts = [
        (names[first] if first == last else f"{names[first]}{through}{names[last]}")
        + " "
        + dates.format_interval(opens, closes, _skeleton(locale), locale=locale)
        for first, last, (opens, closes) in runs
    ]
    return ("，" if chinese else ", ").join(texts)


def init_app(app) -> None:
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["datetime"] = format_time
    app.jinja_env.filters["slot"] = format_slot
    app.jinja_env.filters["window"] = format_window
    app.jinja_env.filters["opening_hours"] = format_opening_hours
    app.jinja_env.filters["phone"] = format_phone
    app.jinja_env.globals["LOCALES"] = {"zh_CN": "中文", "en": "English"}
    app.jinja_env.globals["get_locale"] = get_locale
