"""One audit entry per change made by a person (or a command) to the shop's settings, catalog,
accounts and data: who, when, from where, what (kind and subject), and the values before → after.

Domain operations call `record(...)` inside their own transaction, so the entry commits or rolls
back with the change. Who is acting comes from `acting(...)`, which the request layer (and the
command line) enters: the domain functions keep their signatures.

Entries are append-only: the model refuses updates and deletes, and the database refuses them too
(triggers of migrations/0030_audit_log.py), so nobody can change the log from the app.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from peewee import CharField, DateTimeField, IntegerField, JSONField

from models.base import BaseModel, utcnow

MAX_SUBJECT = 200
MAX_KIND = 48
SECRET_WORDS = ("password", "secret", "token", "csrf")
MASK = "•••"


class AppendOnly(Exception):
    """An audit entry was about to be changed or deleted."""


@dataclass
class Actor:
    """Who is acting: an account (id and name) or a command, and the address it came from.
    `recorded` counts the entries written while acting (the request layer reads it)."""

    name: str
    user_id: int | None = None
    address: str = ""
    recorded: int = field(default=0, compare=False)


SYSTEM = Actor(name="system")
_current: ContextVar[Actor | None] = ContextVar("audit_actor", default=None)


def current_actor() -> Actor:
    return _current.get() or SYSTEM


@contextmanager
def acting(actor: Actor):
    """Within the block, entries name `actor`."""
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def begin_acting(actor: Actor):
    """`acting` for hooks that start and end apart (a request): returns the token for `end_acting`."""
    return _current.set(actor)


def end_acting(token) -> None:
    _current.reset(token)


class AuditEntry(BaseModel):
    at = DateTimeField(default=utcnow)
    actor_id = IntegerField(null=True)  # the account; no foreign key, the log outlives any row
    actor_name = CharField(max_length=120)
    address = CharField(max_length=64, default="")
    kind = CharField(max_length=MAX_KIND)  # "<what>.<verb>", e.g. "account.updated"
    subject = CharField(max_length=MAX_SUBJECT, default="")
    before = JSONField(null=True)
    after = JSONField(null=True)

    class Meta:
        table_name = "audit_entry"
        indexes = (
            (("actor_id", "id"), False),
            (("kind", "id"), False),
            (("at",), False),
        )

    def save(self, *args, **kwargs):
        if self._pk is not None and not kwargs.get("force_insert"):
            raise AppendOnly("audit entries are never changed")
        return super().save(*args, **kwargs)

    def delete_instance(self, *args, **kwargs):
        raise AppendOnly("audit entries are never deleted")

    @classmethod
    def update(cls, *args, **kwargs):
        raise AppendOnly("audit entries are never changed")

    @classmethod
    def delete(cls):
        raise AppendOnly("audit entries are never deleted")

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field that differs, in a stable order."""
        before, after = self.before or {}, self.after or {}
        names = sorted(set(before) | set(after))
        return [(n, before.get(n), after.get(n)) for n in names if before.get(n) != after.get(n)]


def masked(values: dict | None) -> dict | None:
    """`values` with anything that looks like a secret replaced by a mask."""
    if values is None:
        return None
    return {
        key: MASK if any(word in key.lower() for word in SECRET_WORDS) else _plain(value)
        for key, value in values.items()
    }


def _plain(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def record(kind: str, subject: str = "", *, before=None, after=None) -> AuditEntry:
    """Write one entry naming the current actor. Call it inside the change's transaction."""
    actor = current_actor()
    entry = AuditEntry.create(
        actor_id=actor.user_id,
        actor_name=actor.name[:120],
        address=actor.address[:64],
        kind=kind[:MAX_KIND],
        subject=str(subject)[:MAX_SUBJECT],
        before=masked(before),
        after=masked(after),
    )
    actor.recorded += 1
    return entry
