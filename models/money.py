"""Money: stored as integer minor units (fen for the yuan), read and typed as decimal amounts.

How many decimals the currency has is Babel's (CLDR currency precision): 2 for CNY, so
1250 fen is 12.50 yuan. `currency` defaults to the shop's (SHOP_CURRENCY).
"""

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
