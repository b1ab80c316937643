"""Money: stored as integer minor units (fen for the yuan), read and typed as decimal amounts.

How many decimals the currency has is Babel's (CLDR currency precision): 2 for CNY, so
1250 fen is 12.50 yuan. `currency` defaults to the shop's (SHOP_CURRENCY).
"""

import re
from decimal import Decimal

from babel.numbers import get_currency_precision
from flask import current_app


def _places(currency: str | None) -> int:
    return get_currency_precision(currency or current_app.config["SHOP_CURRENCY"])


def amount(minor: int | None, currency: str | None = None) -> Decimal:
    """Integer minor units as the exact amount: 1250 -> Decimal("12.50")."""
    return Decimal(minor or 0).scaleb(-_places(currency))


def amount_text(minor: int | None, currency: str | None = None) -> str:
    """The amount as plain digits, as a form field shows it: 1250 -> "12.50"."""
    return f"{amount(minor, currency):.{_places(currency)}f}"


def minor_units(value: Decimal | str, currency: str | None = None) -> int:
    """A decimal amount in integer minor units, rounded to the currency's precision:
    "12.5" -> 1250."""
    return int(Decimal(value).scaleb(_places(currency)).to_integral_value())


def typed_amount(text: str, currency: str | None = None) -> int | None:
    """An amount as people type it ("12.5", "¥12.50", "1,200") in minor units; None when it
    is not one (more decimals than the currency has, letters, more than 7 whole digits)."""
    text = (text or "").strip().lstrip("¥￥").replace(",", "").strip()
    places = _places(currency)
    decimals = rf"(\.\d{{1,{places}}})?" if places else ""
    if not re.fullmatch(rf"\d{{1,7}}{decimals}", text):
        return None
    return minor_units(text, currency)
