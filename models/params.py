"""Numbers and choices read out of URL and form parameters: every view, filter and form reads
them here (the views through blueprints/params.py).

Text from a request can be anything. "²" passes `str.isdigit()` but `int()` refuses it; "٣",
" 7", "-1" and "1_000" are what `int()` reads but no link of ours holds; a 20-digit number is
beyond the 64-bit integers both databases store, and SQLite refuses to even compare with it.
So a number here is 1 to 19 ASCII digits within the range asked for, and anything else is
None: each parser returns the value or None and never raises.
"""

import re
from datetime import date

DB_INT_MAX = 2**63 - 1  # the largest integer SQLite and PostgreSQL (bigint) hold at all
ID_MAX = 2**31 - 1  # ids, order numbers, versions: INTEGER columns, 32 bits on PostgreSQL
DIGITS = re.compile(r"[0-9]{1,19}")
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)  # what a shop's dates can be


def whole_number(text, *, low: int = 0, high: int = DB_INT_MAX) -> int | None:
    """`text` (ASCII digits, nothing else) as an int from `low` to `high`, else None."""
    if not isinstance(text, str) or not DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if low <= value <= high else None


def positive_id(text) -> int | None:
    """A row id, an order number or a version: a whole number from 1 that its column holds."""
    return whole_number(text, low=1, high=ID_MAX)


def positive_ids(values) -> tuple[int, ...]:
    """The valid ids among `values`, each once, in ascending order; the rest are dropped."""
    return tuple(sorted({i for i in map(positive_id, values) if i is not None}))


def shop_date(text) -> date | None:
    """A day written YYYY-MM-DD from 2000 to 2100, else None: "0001-01-01" is a date Python
    reads, but shifted to UTC it leaves the calendar, and no shop has trade in that year."""
    if not isinstance(text, str) or not DAY.fullmatch(text.strip()):
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def choice(text, allowed) -> str | None:
    """`text` if it is one of `allowed` (a collection of strings), else None."""
    return text if isinstance(text, str) and text in allowed else None


def choices(values, allowed) -> tuple[str, ...]:
    """Those of `allowed` that `values` name, in the order of `allowed`."""
    chosen = set(values)
    return tuple(value for value in allowed if value in chosen)
