"""Schema versions: the numbered scripts in migrations/, applied in order."""

from pathlib import Path

from playhouse.migrations import Runner
from playhouse.schema_diff import diff_models

from models.db import db, is_postgres

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
MIGRATION_LOCK = 0x6A69656C6F6E67  # "jielong" in ASCII: the PostgreSQL advisory lock of `upgrade`


def runner() -> Runner:
    return Runner(db.obj, directory=str(MIGRATIONS_DIR))


def upgrade(target: str | None = None) -> list[str]:
    """Apply pending migrations (up to `target`); return the names applied. A migration may
    run longer than a page's statement_timeout (building an index on many orders)."""
    with db.connection_context():
        if not is_postgres():
            return runner().up(target)
        db.execute_sql("SET statement_timeout = 0")
        # One upgrade at a time: a second app starting meanwhile waits, then finds nothing to do.
        db.execute_sql("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        try:
            return runner().up(target)
        finally:
            db.execute_sql("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
            db.execute_sql("RESET statement_timeout")


def pending() -> list[str]:
    with db.connection_context():
        return [m.name for m in runner().status() if not m.applied]


def drift(models) -> str:
    """What differs between the migrated database and the model classes ('' when none)."""
    with db.connection_context():
        return str(diff_models(db.obj, models) or "")
