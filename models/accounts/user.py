"""Staff, admin and group leader accounts.

A session and a "keep me signed in" cookie name the account by `get_id()`: its id, its
session token and when they signed in. A new token (`end_sessions`, a new password,
deactivation) ends every session and remember cookie of the account, in every browser, on their
next request; the server ends either, and every copy of it, `REMEMBER_COOKIE_DURATION` after
signing in, whatever the browser keeps.
"""

import re
import secrets
from contextlib import suppress
from datetime import UTC, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from peewee import BooleanField, CharField, DateTimeField

from models.base import BaseModel, utcnow
from models.errors import DomainError

STAFF_ROLES = ("admin", "staff")  # who works the shop: rules, staff notices, assignment
LEADER = "leader"  # a group leader (团长): their pickup points' orders (models/leaders/)
COURIER = "courier"  # sees only their own delivery runs (models/delivery/)
ROLES = (*STAFF_ROLES, LEADER, COURIER)
MIN_PASSWORD_LENGTH = 8
_hasher = PasswordHasher()


class WeakPassword(DomainError):
    message = _l("Use at least %(count)s characters.", count=MIN_PASSWORD_LENGTH)


def check_new_password(password: str) -> None:
    """The rule for every password an account gets, whether an admin types it in the browser
    or `flask user create` is given it: WeakPassword if it is too short to set."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise WeakPassword()


_SESSION_ID = re.compile(
    r"(?P<id>[0-9]{1,18}):(?P<token>[A-Za-z0-9_-]{16,64}):(?P<since>[0-9]{1,12})"
)


def _seconds_now() -> float:
    return utcnow().replace(tzinfo=UTC).timestamp()


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, BaseModel):
    email = CharField(unique=True)
    name = CharField()
    role = CharField(default="staff")
    password_hash = CharField()
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    last_login_at = DateTimeField(null=True)
    session_token = CharField(default=new_session_token)

    @property
    def is_active(self):
        return self.active

    def get_id(self) -> str:
        """What sessions and remember cookies store, written when signing in: stops matching
        once the token changes, and once `REMEMBER_COOKIE_DURATION` has passed."""
        return f"{self.id}:{self.session_token}:{int(_seconds_now())}"

    @classmethod
    def for_session(cls, session_id: str, lasts: timedelta) -> "User | None":
        """The active account a session or remember cookie names, unless its sessions ended
        or it was signed in more than `lasts` ago."""
        match = _SESSION_ID.fullmatch(session_id or "")
        if match is None:  # e.g. a session from before session tokens or their times: it ends
            return None
        if _seconds_now() - int(match["since"]) > lasts.total_seconds():
            return None
        return cls.get_or_none(
            cls.id == int(match["id"]),
            cls.session_token == match["token"],
            cls.active == True,  # noqa: E712
        )

    @property
    def is_admin(self):
        return self.role == "admin"

    @property
    def is_active_admin(self) -> bool:
        return self.role == "admin" and self.active

    def has_role(self, role: str) -> bool:
        """Admins may do everything staff may do."""
        return self.role == role or self.role == "admin"

    def set_password(self, password: str) -> None:
        self.password_hash = _hasher.hash(password)

    def check_password(self, password: str) -> bool:
        try:
            _hasher.verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        if _hasher.check_needs_rehash(self.password_hash):
            self.set_password(password)
            self.save(only=[User.password_hash])
        return True

    @classmethod
    def by_email(cls, email: str):
        return cls.get_or_none(cls.email == normalize_email(email))

    @classmethod
    def register(cls, email: str, name: str, password: str, role: str = "staff") -> "User":
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        check_new_password(password)
        user = cls(email=normalize_email(email), name=name, role=role)
        user.set_password(password)
        user.save()
        return user


def end_sessions(user: User) -> None:
    """Sign the account out everywhere: every session and remember cookie it has ends."""
    User.update(session_token=new_session_token()).where(User.id == user.id).execute()


_UNUSED_HASH = _hasher.hash("no account has this password")


def spend_password_check(password: str) -> None:
    """Verify against a throwaway hash: as slow as a real check, always false."""
    with suppress(VerificationError):
        _hasher.verify(_UNUSED_HASH, password)


def normalize_email(email: str) -> str:
    return email.strip().lower()
