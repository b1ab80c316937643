"""One-time codes that prove a customer holds a phone number, for "My orders".

A code is 6 random digits texted to the phone and stored only as an HMAC keyed with the
app's SECRET_KEY. Only the newest code of a phone counts; it expires after 10 minutes,
works once, and allows 5 tries. A phone gets at most one code a minute and 5 an hour.
Nothing here depends on whether the phone has orders, so nothing reveals it.
"""

import hashlib
import hmac
import logging
import math
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import CharField, DateTimeField, IntegerField

from models.base import BaseModel, utcnow
from models.customers.phones import normalize_phone
from models.db import db, is_postgres
from models.errors import DomainError
from models.messaging.channels.sms import SmsError, sms_backend

log = logging.getLogger(__name__)

CODE_LIFETIME = timedelta(minutes=10)
MAX_ATTEMPTS = 5
RESEND_AFTER = timedelta(seconds=60)
CODES_PER_HOUR = 5
KEEP_FOR = timedelta(days=1)  # older codes of a phone are deleted when it asks again


class LoginCode(BaseModel):
    phone = CharField()  # E.164
    code_hash = CharField()
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)
    attempts = IntegerField(default=0)

    class Meta:
        indexes = ((("phone", "created_at"), False),)


class TooManyCodes(DomainError):
    message = _l("Too many codes were sent to this number. Try again later.")


class CodeNotSent(DomainError):
    message = _l("The code could not be sent. Try again in a minute.")


class CodeRefused(DomainError):
    message = _l("This code is not valid. Ask for a new one.")


def _digest(phone: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def request_code(phone_text: str) -> str:
    """Text a new code to the phone typed in `phone_text`; return the phone in E.164.

    Raises InvalidPhone, TooManyCodes (saying when to try again) or CodeNotSent.
    """
    phone = normalize_phone(phone_text)
    code = f"{secrets.randbelow(10**6):06d}"
    now = utcnow()
    with db.atomic():
        _lock_phone(phone)
        _check_rate(phone, now)
        LoginCode.delete().where(
            LoginCode.phone == phone, LoginCode.created_at < now - KEEP_FOR
        ).execute()
        row = LoginCode.create(
            phone=phone,
            code_hash=_digest(phone, code),
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
    text = _(
        "Your %(shop)s code is %(code)s. It expires in 10 minutes. Do not share it.",
        shop=current_app.config["SHOP_NAME"],
        code=code,
    )
    try:
        sms_backend(current_app).send(phone, text, key=f"login-code-{row.id}")
    except SmsError as error:
        log.error("login code for %s not sent: %s", phone, error.reason)
        LoginCode.delete_by_id(row.id)  # a code nobody received must not hold up the next one
        raise CodeNotSent() from error
    return phone


def _lock_phone(phone: str) -> None:
    """Serialize code requests for one phone until the transaction ends (SQLite's
    BEGIN IMMEDIATE already serializes all writers)."""
    if is_postgres():
        db.execute_sql("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"login-code {phone}",))


def _check_rate(phone: str, now: datetime) -> None:
    """At most one code per RESEND_AFTER and CODES_PER_HOUR per hour for a phone."""
    hour_ago = now - timedelta(hours=1)
    sent = [
        row.created_at
        for row in LoginCode.select(LoginCode.created_at)
        .where(LoginCode.phone == phone, LoginCode.created_at > hour_ago)
        .order_by(LoginCode.created_at.desc())
    ]
    if sent and now - sent[0] < RESEND_AFTER:
        seconds = math.ceil((sent[0] + RESEND_AFTER - now).total_seconds())
        raise TooManyCodes(
            _l(
                "A code was sent to this number a moment ago. "
                "You can ask for a new one in %(seconds)s seconds.",
                seconds=seconds,
            )
        )
    if len(sent) >= CODES_PER_HOUR:
        free_at = sent[CODES_PER_HOUR - 1] + timedelta(hours=1)
        minutes = math.ceil((free_at - now).total_seconds() / 60)
        raise TooManyCodes(
            _l(
                "Too many codes were sent to this number. Try again in %(minutes)s minutes.",
                minutes=minutes,
            )
        )


def verify_code(phone_text: str, code: str) -> str:
    """Accept `code` for the phone once; return the phone in E.164.

    Every try first takes one of the code's MAX_ATTEMPTS turns with a conditional UPDATE,
    and success is a second conditional UPDATE that sets used_at only while it is empty,
    so parallel tries can neither exceed the limit nor both succeed.
    Raises InvalidPhone or CodeRefused (wrong, expired, used, or out of tries).
    """
    phone = normalize_phone(phone_text)
    latest = (
        LoginCode.select()
        .where(LoginCode.phone == phone)
        .order_by(LoginCode.created_at.desc(), LoginCode.id.desc())
        .first()
    )
    if latest is None:
        raise CodeRefused()
    now = utcnow()
    turn = list(
        LoginCode.update(attempts=LoginCode.attempts + 1)
        .where(
            LoginCode.id == latest.id,
            LoginCode.used_at.is_null(),
            LoginCode.attempts < MAX_ATTEMPTS,
            LoginCode.expires_at > now,
        )
        .returning(LoginCode.attempts)
        .execute()
    )
    if not turn:
        raise CodeRefused(_refusal(LoginCode.get_by_id(latest.id), now))
    if not hmac.compare_digest(latest.code_hash, _digest(phone, code.strip())):
        left = MAX_ATTEMPTS - turn[0].attempts
        if left == 0:
            raise CodeRefused(
                _l("That code is not right, and it was the last try. Ask for a new code.")
            )
        raise CodeRefused(_l("That code is not right. Tries left: %(left)s.", left=left))
    used = (
        LoginCode.update(used_at=now)
        .where(LoginCode.id == latest.id, LoginCode.used_at.is_null())
        .execute()
    )
    if not used:
        raise CodeRefused(_l("This code was already used. Ask for a new one."))
    return phone


def _refusal(code: LoginCode, now: datetime):
    if code.used_at is not None:
        return _l("This code was already used. Ask for a new one.")
    if code.expires_at <= now:
        return _l("This code has expired. Ask for a new one.")
    return _l("Too many wrong tries. Ask for a new code.")
