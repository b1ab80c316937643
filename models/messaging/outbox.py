"""Work that must follow a committed change: the outbox, and the lease its rows are claimed by.

An order change writes its Outbox rows in its own transaction (models/messaging/notifications.py
`plan_notifications`), so the work exists exactly when the change does. A worker claims a due
row with one conditional UPDATE that sets a lease (`locked_until`), does the work and marks the
row done; a worker that dies leaves the lease to run out, and the sweeper claims the row again.
`kind` says what to do: tasks/notifications.py `WORK` maps each kind to its `Work`.
"""

import logging
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta

from blinker import Signal
from flask import current_app
from peewee import CharField, DateTimeField, IntegerField, IntegrityError, JSONField, TextField

from models.base import BaseModel, utcnow
from models.db import db
from models.statements import Slot, StatementPerCount, as_json

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 3600


class Leased(BaseModel):
    """The columns and steps of a row that waits until a worker claims it for a while."""

    OPEN, DONE, FAILED = "queued", "done", "failed"

    status = CharField(default="queued")
    attempts = IntegerField(default=0)  # claims so far, the one running included
    available_at = DateTimeField(default=utcnow)
    locked_until = DateTimeField(null=True)
    claimed_by = CharField(default="")
    last_error = TextField(default="")
    created_at = DateTimeField(default=utcnow)

    @classmethod
    def _due(cls, now):
        free = cls.locked_until.is_null() | (cls.locked_until < now)
        return (cls.status == cls.OPEN) & (cls.available_at <= now) & free

    @classmethod
    def due_ids(cls, limit: int = 500) -> list[int]:
        rows = cls.select(cls.id).where(cls._due(utcnow())).order_by(cls.available_at, cls.id)
        return [row.id for row in rows.limit(limit)]

    @classmethod
    def claim(cls, row_id: int, worker: str):
        """The row, leased to `worker`; None when it is not due or another worker holds it."""
        now = utcnow()
        lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
        taken = (
            cls.update(attempts=cls.attempts + 1, locked_until=now + lease, claimed_by=worker)
            .where(cls.id == row_id, cls._due(now))
            .execute()
        )
        return cls.get_by_id(row_id) if taken else None

    def _still_mine(self):
        """This row, still queued and still under this claim (no other worker took it since)."""
        model = type(self)
        return (
            (model.id == self.id)
            & (model.status == self.OPEN)
            & (model.attempts == self.attempts)
            & (model.claimed_by == self.claimed_by)
        )

    def finish(self, **changes) -> None:
        """Mark the row done: one UPDATE of this row alone, only under this claim. It changes
        no key column and no trigger watches these tables, so it waits on no other table's
        rows; outside a transaction it is its own short one."""
        model = type(self)
        model.update(status=self.DONE, locked_until=None, **changes).where(
            self._still_mine()
        ).execute()

    def retry_later(self, reason: str, *, permanent: bool = False) -> None:
        """Record a failed try: queue the row again after a growing pause, or fail it for good
        (a permanent failure, or the last allowed try). Only this claim may do so."""
        config, model = current_app.config, type(self)
        changes = {"locked_until": None, "last_error": reason[:2000]}
        if permanent or self.attempts >= config["OUTBOX_MAX_ATTEMPTS"]:
            changes["status"] = self.FAILED
        else:
            pause = config["OUTBOX_RETRY_SECONDS"] * 2 ** (self.attempts - 1)
            changes["available_at"] = utcnow() + timedelta(seconds=min(pause, MAX_BACKOFF_SECONDS))
        model.update(**changes).where(self._still_mine()).execute()


class Outbox(Leased):
    kind = CharField()  # "notify"; rule evaluations later
    payload = JSONField(default=dict)  # ids only: workers read the rows as they are then
    delivery_key = CharField(unique=True)
    done_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("status", "available_at"), False),)


def add_work(
    kind: str, key: str, payload: dict, *, available_at: datetime | None = None, if_new=False
) -> None:
    """Write one outbox row; call inside the transaction of the change that needs it (inside
    `written_together`, the row is written as that block ends). `available_at`: when it is
    due (None: now). A key written before fails the transaction (IntegrityError), unless
    `if_new`: then the row written before stands and this one is dropped."""
    now = utcnow()
    row = (kind, key, payload, available_at or now, now, if_new)
    gathered = _GATHERED.get()
    if gathered is None:
        _insert([row])
    else:
        gathered.append(row)


_GATHERED: ContextVar[list | None] = ContextVar("outbox_gathered", default=None)


@contextmanager
def written_together():
    """The outbox rows `add_work` plans inside this block are written as it ends without an
    error, in one INSERT (issue 22: an order placed plans its notifications, rule evaluations
    and sales recount, one statement for all). Nested, the outermost block writes them."""
    if _GATHERED.get() is not None:
        yield
        return
    rows: list[tuple] = []
    token = _GATHERED.set(rows)
    try:
        yield
    finally:
        _GATHERED.reset(token)
    if rows:
        _insert(rows)


def _insert(rows: list[tuple]) -> None:
    """One INSERT of `rows` (as `add_work` makes them) that skips a key written before; a
    skipped row not `if_new`, or a key twice among rows not `if_new`, is an IntegrityError."""
    values = {}
    for i, (kind, key, payload, available_at, created_at, _) in enumerate(rows):
        values |= {f"kind{i}": kind, f"key{i}": key, f"at{i}": available_at,
                   f"payload{i}": as_json(Outbox.payload, payload), f"created{i}": created_at}  # fmt: skip
    written = {key: row_id for row_id, key in _INSERT.of(len(rows)).run(**values)}
    seen = set()
    for _, key, _, available_at, created_at, if_new in rows:
        if key in seen or key not in written:
            if if_new:
                continue
            raise IntegrityError(f"the outbox key {key!r} is taken")
        seen.add(key)
        if available_at <= created_at:  # a row due later is the sweeper's
            tell_written("outbox", written[key])


def _rows(count: int):
    """INSERT of `count` outbox rows, a key written before skipped; their ids and keys."""
    fixed = {Outbox.status: Outbox.OPEN, Outbox.attempts: 0, Outbox.claimed_by: "",
             Outbox.last_error: ""}  # fmt: skip
    rows = [
        {
            **fixed,
            Outbox.kind: Slot(f"kind{i}"),
            Outbox.delivery_key: Slot(f"key{i}"),
            Outbox.payload: Slot(f"payload{i}"),
            Outbox.available_at: Slot(f"at{i}"),
            Outbox.created_at: Slot(f"created{i}"),
        }
        for i in range(count)
    ]
    return Outbox.insert_many(rows).on_conflict_ignore().returning(Outbox.id, Outbox.delivery_key)


_INSERT = StatementPerCount(_rows)


def _unchanged(item: Outbox) -> Outbox:
    return item


def _nothing(prepared) -> None:
    """A kind whose whole work is its `prepare` (queueing a task) writes nothing."""


@dataclass(frozen=True)
class Work:
    """What a kind of outbox row does. `prepare(row)` runs first, outside any transaction: the
    reads and the rendering, so that the write transaction holds its locks (on SQLite the whole
    database's write lock, which a delivery's mark waits for) only while it writes.
    `write(prepared)` runs in one transaction with marking the row done. Talking to anything
    outside the database (queueing a task) belongs in `prepare`: a row whose mark fails after it
    is prepared again, so that work must be safe to repeat."""

    write: Callable[[object], None] = _nothing
    prepare: Callable[[Outbox], object] = _unchanged


def run(outbox_id: int, worker: str, work: dict[str, Work]) -> bool:
    """Claim the row, prepare its work, then write it in one transaction with marking the row
    done; on failure it is retried later. True when it was done now."""
    item = Outbox.claim(outbox_id, worker)
    if item is None:
        return False
    try:
        steps = work[item.kind]
        prepared = steps.prepare(item)
        with db.atomic():
            steps.write(prepared)
            item.finish(done_at=utcnow())
    except Exception as error:  # any failure is kept on the row and retried
        log.exception("outbox row %s (%s) failed", item.id, item.kind)
        item.retry_later(f"{type(error).__name__}: {error}")
        return False
    return True


row_written = Signal("An outbox row or a delivery was written, not yet committed.")


def tell_written(kind: str, row_id: int) -> None:
    """Send `row_written` (kind "outbox" or "delivery"): tasks/context.py notes the row so that
    tasks/notifications.py `kick()` queues it once the caller's transaction has committed.
    Contexts that collect nothing (a CLI command, a shell) leave their rows to the sweeper."""
    row_written.send(kind, row_id=row_id)
