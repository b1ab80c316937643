"""API tokens, one per integration: created and revoked by admins, with scopes. The token is
shown once when created; only its SHA-256 is stored (a token is 256 random bits, so a fast hash
is enough: nobody can guess one to match), with its first characters to tell tokens apart."""

import hashlib
import secrets

from flask_babel import lazy_gettext as _l
from peewee import CharField, DateTimeField, JSONField

from models.audit.log import record
from models.base import BaseModel, utcnow
from models.db import db
from models.errors import DomainError

SCOPES = {
    "orders:read": _l("Read orders"),
    "orders:write": _l("Change order statuses"),
    "products:read": _l("Read products"),
    "stock:write": _l("Set stock levels"),
    "customers:read": _l("Read customers (names and phone numbers)"),
}
PREFIX = "jl_"


class ApiToken(BaseModel):
    name = CharField(max_length=80)
    token_hash = CharField(max_length=64, unique=True)
    shown = CharField(max_length=12)  # the first characters, to recognise it in the list
    scopes = JSONField(default=list)
    created_at = DateTimeField(default=utcnow)
    revoked_at = DateTimeField(null=True)
    last_used_at = DateTimeField(null=True)

    class Meta:
        table_name = "api_token"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class UnknownScope(DomainError):
    message = _l("Choose at least one of the listed scopes.")


def _digest(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def issue_token(name: str, scopes: list[str]) -> tuple[ApiToken, str]:
    """A new token and its plaintext, which is never stored nor shown again."""
    if not scopes or set(scopes) - set(SCOPES):
        raise UnknownScope()
    plaintext = PREFIX + secrets.token_urlsafe(32)
    with db.atomic():
        token = ApiToken.create(
            name=name.strip()[:80],
            token_hash=_digest(plaintext),
            shown=plaintext[:10],
            scopes=sorted(scopes),
        )
        record("api_token.created", f"{token.name} #{token.id}", after={"scopes": token.scopes})
    return token, plaintext


def revoke_token(token_id: int) -> None:
    """From now on the token opens nothing; revoking twice changes nothing."""
    with db.atomic():
        revoked = (
            ApiToken.update(revoked_at=utcnow())
            .where(ApiToken.id == token_id, ApiToken.revoked_at.is_null())
            .execute()
        )
        if revoked:
            record("api_token.revoked", f"#{token_id}")


def token_for(plaintext: str) -> ApiToken | None:
    """The active token with this plaintext, or None."""
    if not plaintext.startswith(PREFIX):
        return None
    token = ApiToken.get_or_none(ApiToken.token_hash == _digest(plaintext))
    if token is None or not token.active:
        return None
    return token


def tokens() -> list[ApiToken]:
    return list(ApiToken.select().order_by(ApiToken.revoked_at.is_null(False), ApiToken.id.desc()))
