"""Phone numbers, all through phonenumbers and the shop's region (SHOP_PHONE_REGION): stored
in E.164 form (+8613800138000), read as people in the region type them, shown as they write
them, masked where other customers can see them."""

from functools import lru_cache

import phonenumbers
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from models.errors import DomainError


class InvalidPhone(DomainError):
    message = _l("Enter a valid phone number.")


def shop_region() -> str:
    """The region whose numbers need no +code (SHOP_PHONE_REGION; CN outside the app)."""
    return current_app.config["SHOP_PHONE_REGION"] if has_app_context() else "CN"


def normalize_phone(raw: str, region: str | None = None) -> str:
    """Return `raw` as E.164 (+8613800138000), or raise InvalidPhone."""
    try:
        number = phonenumbers.parse(raw or "", region or shop_region())
    except phonenumbers.NumberParseException as error:
        raise InvalidPhone() from error
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone()
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str | None) -> str:
    """A stored E.164 number as people in the shop's region write it: 139 0001 7143 (a number
    of another country keeps its +code). The one way pages show a phone number."""
    return _phone_text(e164 or "", shop_region())


@lru_cache(maxsize=4096)  # an export shows the same few thousand numbers again and again
def _phone_text(e164: str, region: str) -> str:
    number = _parsed(e164)
    if number is None:
        return e164
    style = phonenumbers.PhoneNumberFormat
    national = phonenumbers.region_code_for_number(number) == region
    return phonenumbers.format_number(number, style.NATIONAL if national else style.INTERNATIONAL)


def mask_phone(e164: str) -> str:
    """+8613800138000 -> 138****8000 in a shop in China, for pages other customers can see:
    the digits a person of the shop's region dials (a number of another country keeps its
    code), the middle ones hidden."""
    number = _parsed(e164)
    if number is not None and phonenumbers.region_code_for_number(number) == shop_region():
        digits = phonenumbers.national_significant_number(number)
    else:
        digits = e164.lstrip("+")
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def _parsed(e164: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return None
