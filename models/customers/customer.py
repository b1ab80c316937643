"""Customers, known by their phone number in E.164 form."""

import phonenumbers
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from peewee import CharField, DateTimeField, JSONField

from models.base import BaseModel, utcnow
from models.errors import DomainError


class InvalidPhone(DomainError):
    message = _l("Enter a valid phone number.")


def default_region() -> str:
    return current_app.config["SHOP_PHONE_REGION"] if has_app_context() else "CN"


def normalize_phone(raw: str, region: str | None = None) -> str:
    """Return `raw` as E.164 (+8613800138000), or raise InvalidPhone."""
    try:
        number = phonenumbers.parse(raw or "", region or default_region())
    except phonenumbers.NumberParseException as error:
        raise InvalidPhone() from error
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone()
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str) -> str:
    """+8613800138000 -> 138****8000, for pages other customers can see."""
    national = e164[3:] if e164.startswith("+86") else e164.lstrip("+")
    if len(national) < 7:
        return "*" * len(national)
    return f"{national[:3]}****{national[-4:]}"


def mask_name(name: str) -> str:
    """张三丰 -> 张**, Alice -> A**: the first character and a fixed mask, which tells
    nothing of the name's length."""
    return f"{(name or '').strip()[:1]}**"


class Customer(BaseModel):
    name = CharField()
    phone = CharField(unique=True)
    phone_last4 = CharField(max_length=4, index=True)
    tags = JSONField(default=list)  # labels rules give the customer (automation/actions/tag.py)
    created_at = DateTimeField(default=utcnow)

    @classmethod
    def find_or_create(cls, name: str, phone: str) -> "Customer":
        """The customer with this phone (any format), created if new; call inside a transaction."""
        e164 = normalize_phone(phone)
        customer, created = cls.get_or_create(
            phone=e164, defaults={"name": name.strip(), "phone_last4": e164[-4:]}
        )
        if not created and name.strip() and customer.name != name.strip():
            customer.name = name.strip()
            customer.save(only=[cls.name])
        return customer
