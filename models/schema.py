"""Schema versions: the numbered scripts in migrations/, applied in order."""

from pathlib import Path

from playhouse.migrations import Runner
from playhouse.schema_diff import diff_models

from models.db import db

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def runner() -> Runner:
    return Runner(db.obj, directory=str(MIGRATIONS_DIR))


def upgrade(target: str | None = None) -> list[str]:
    """Apply pending migrations (up to `target`); return the names applied."""
    with db.connection_context():
        return runner().up(target)


def pending() -> list[str]:
    with db.connection_context():
        return [m.name for m in runner().status() if not m.applied]


def drift(models) -> str:
    """What differs between the migrated database and the model classes ('' when none)."""
    with db.connection_context():
        return str(diff_models(db.obj, models) or "")
