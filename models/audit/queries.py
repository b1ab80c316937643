"""Reading the audit log (/admin/audit): filtered by person, kind, shop dates and words, newest
first, in keyset pages (entries older than the last one shown), and all of it for an export."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from peewee import fn

from models.audit.log import AuditEntry
from models.matching import ilike
from models.shop_time import to_utc

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilter:
    """`kind` matches a whole kind ("account.updated") or its family ("account")."""

    person: int | None = None
    kind: str = ""
    since: date | None = None  # shop dates, both included
    until: date | None = None
    words: str = ""

    def conditions(self) -> list:
        conditions = []
        if self.person is not None:
            conditions.append(AuditEntry.actor_id == self.person)
        if self.kind:
            conditions.append(
                (AuditEntry.kind == self.kind) | AuditEntry.kind.startswith(f"{self.kind}.")
            )
        if self.since:
            conditions.append(AuditEntry.at >= to_utc(datetime.combine(self.since, time())))
        if self.until:
            end = datetime.combine(self.until + timedelta(days=1), time())
            conditions.append(AuditEntry.at < to_utc(end))
        if self.words.strip():
            words = self.words.strip()
            conditions.append(
                ilike(AuditEntry.subject, words) | ilike(AuditEntry.actor_name, words)
            )
        return conditions


def entries(where: AuditFilter, older_than: int | None = None, size: int = PAGE_SIZE):
    """One page, newest first, and the cursor of the next page (None on the last)."""
    query = AuditEntry.select().order_by(AuditEntry.id.desc()).limit(size + 1)
    if conditions := where.conditions():
        query = query.where(*conditions)
    if older_than is not None:
        query = query.where(AuditEntry.id < older_than)
    rows = list(query)
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].id if more else None)


def every_entry(where: AuditFilter):
    """All matching entries, oldest first, read in batches (an export)."""
    query = AuditEntry.select().order_by(AuditEntry.id)
    if conditions := where.conditions():
        query = query.where(*conditions)
    return query.iterator()


def kinds() -> list[str]:
    query = AuditEntry.select(AuditEntry.kind).distinct().order_by(AuditEntry.kind)
    return [row.kind for row in query]


def people() -> list[tuple[int, str]]:
    """(account id, latest name) of everyone who has an entry."""
    query = (
        AuditEntry.select(AuditEntry.actor_id, fn.MAX(AuditEntry.actor_name).alias("name"))
        .where(AuditEntry.actor_id.is_null(False))
        .group_by(AuditEntry.actor_id)
        .order_by(fn.MAX(AuditEntry.actor_name))
    )
    return [(row.actor_id, row.name) for row in query]
