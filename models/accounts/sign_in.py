"""Checking a sign-in, and its throttling: failed sign-ins are counted in the database, so every worker process and
every app server sees the same counts.

Two limits, each "N per period" (`limits` syntax, e.g. "5 per 15 minutes"), over a sliding
window:

  - per account (the email typed, whether an account has it or not, so a refusal tells
    nothing about which emails have accounts), counted from every address: LOGIN_ATTEMPTS;
  - per address (`request.remote_addr`), whatever the emails: LOGIN_ADDRESS_ATTEMPTS.

A browser that signed in to the account before (it holds that account's device cookie,
`models/accounts/devices.py`) is not held by the account's count, which anyone knowing the
email can fill: its failures are counted per device instead, against the same per-account
limit (OWASP's "device cookies"). So someone guessing from elsewhere locks out other unknown
browsers, never the phone the person always signs in on.

Each try takes its turn before the password is checked: in one short transaction, serialized
across processes (PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE), it counts the
failures in the window and, when both limits leave room, records the try as a failure. A try
whose password matches is then forgotten with the account's earlier failures. So tries running
at the same moment in different workers can never pass a limit, and a worker killed during the
password check leaves a failure behind rather than a free try.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import format_datetime, format_time, format_timedelta, gettext
from limits import parse
from peewee import CharField, DateTimeField

from models.accounts.user import User, normalize_email, spend_password_check
from models.audit.log import Actor, acting, record
from models.base import BaseModel, utcnow
from models.db import db, is_postgres
from models.errors import DomainError


class SignInAttempt(BaseModel):
    """A sign-in try whose password did not match (or is being checked right now)."""

    email = CharField()
    address = CharField()
    at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("email", "at"), False),
            (("address", "at"), False),
            (("at",), False),
        )


@dataclass(frozen=True)
class Limit:
    tries: int
    window: timedelta

    @classmethod
    def parse(cls, text: str) -> "Limit":
        """'5 per 15 minutes' -> Limit(5, 15 minutes)."""
        item = parse(text)
        return cls(item.amount, timedelta(seconds=item.get_expiry()))


class SignInThrottled(DomainError):
    """Out of tries; `until` is when the next try is allowed (UTC)."""

    @property
    def until(self) -> datetime:
        return self.details["until"]


def take_turn(
    email: str, address: str, per_account: Limit, per_address: Limit, device: str | None = None
) -> None:
    """Record this try as a failure, unless the account (or `device`, a known browser's key,
    instead) or the address is out of tries (SignInThrottled, saying when to try again);
    `forget_failures` when the password matches."""
    counted = device or email  # the column holds either: a device key never has an "@"
    with db.atomic():
        if is_postgres():  # SQLite's BEGIN IMMEDIATE already runs one writer at a time
            db.execute_sql("SELECT pg_advisory_xact_lock(hashtext('jielong sign-in attempts'))")
        now = utcnow()
        _refuse_when_spent(SignInAttempt.email == counted, per_account, now, "account")
        _refuse_when_spent(SignInAttempt.address == address, per_address, now, "address")
        oldest_kept = now - max(per_account.window, per_address.window)
        SignInAttempt.delete().where(SignInAttempt.at < oldest_kept).execute()
        SignInAttempt.insert(email=counted, address=address, at=now).execute()


def forget_failures(email: str, device: str | None = None) -> None:
    """The password matched: the account's and this device's failures (this try's among them)
    no longer count."""
    SignInAttempt.delete().where(SignInAttempt.email.in_([email, device or email])).execute()


def _refuse_when_spent(which, limit: Limit, now: datetime, scope: str) -> None:
    failures = [
        row.at
        for row in SignInAttempt.select(SignInAttempt.at)
        .where(which, SignInAttempt.at > now - limit.window)
        .order_by(SignInAttempt.at.desc())
        .limit(limit.tries)
    ]
    if len(failures) < limit.tries:
        return
    until = failures[-1] + limit.window  # when the oldest failure that counts leaves the window
    raise SignInThrottled(_refusal(scope, until, now), until=until)


def _refusal(scope: str, until: datetime, now: datetime) -> str:
    """The refusal in the reader's language, saying when to try again (in shop time)."""
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    wait = format_timedelta(timedelta(minutes=minutes), granularity="minute", threshold=2)
    at = (
        format_time(until, "short") if until - now < timedelta(hours=12) else format_datetime(until)
    )
    if scope == "account":
        return gettext(
            "Too many failed sign-in attempts with this email. "
            "You can try again in %(wait)s, at %(time)s.",
            wait=wait,
            time=at,
        )
    return gettext(
        "Too many failed sign-in attempts from your network. "
        "You can try again in %(wait)s, at %(time)s.",
        wait=wait,
        time=at,
    )


def authenticate(
    email: str,
    password: str,
    address: str,
    per_account: Limit,
    per_address: Limit,
    device: str | None = None,
) -> User | None:
    """The active user with these credentials, with their last sign-in recorded; else None.

    Each try first takes a turn of the sign-in limits (models/accounts/sign_in.py), which
    raises SignInThrottled when the account or the address is out of tries. An unknown email
    costs the same hashing time as a wrong password, so response times do not tell which
    emails have accounts. `device`: the key of this browser's device cookie for `email`, if
    it has one.
    """
    email = normalize_email(email)
    take_turn(email, address, per_account, per_address, device)
    user = User.by_email(email)
    if user is None:
        spend_password_check(password)
        return None
    if not user.active or not user.check_password(password):
        return None
    forget_failures(email, device)
    with db.atomic(), acting(Actor(user.name, user.id, address)):
        User.update(last_login_at=utcnow()).where(User.id == user.id).execute()
        record("account.signed_in", user.email)
    return user
