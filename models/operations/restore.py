"""Restoring an archive: checked whole before anything is touched, into an empty database
(or over a full one when forced), then the schema upgraded if the archive is older, then the
uploads folder put back."""

import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from pathlib import Path

from models import schema
from models.db import db
from models.operations.archive import (
    DUMPS,
    UPLOADS,
    BackupError,
    database_kind,
    is_bookkeeping,
    libpq_url,
    sqlite_path,
    unpack,
)


def restore_backup(archive: Path, database_url: str, uploads: Path, *, force=False) -> dict:
    """Restore `archive` into the database at `database_url` (the one `db` is bound to) and the
    `uploads` folder; return its manifest. Refuses a damaged archive, one of another kind of
    database, and a target holding data unless `force`, before changing anything."""
    kind = database_kind(database_url)
    with tempfile.TemporaryDirectory(prefix="jielong-restore-") as scratch:
        manifest = unpack(archive, Path(scratch))
        if manifest["kind"] != kind:
            raise BackupError(
                f"{archive.name} holds a {manifest['kind']} database; the target is {kind}."
            )
        tables, occupied = target_tables()
        if occupied and not force:
            raise BackupError(
                f"The target database is not empty ({', '.join(occupied[:5])}"
                f"{', …' if len(occupied) > 5 else ''} hold rows). Restore into an empty "
                "database, or pass --force to replace what it holds."
            )
        dump = Path(scratch) / DUMPS[kind]
        db.close_all()  # the pool's connections: none may hold the old database open
        if kind == "sqlite":
            _restore_sqlite(dump, sqlite_path(database_url))
        else:
            _restore_postgres(dump, database_url, clean=bool(tables))
        schema.upgrade()
        _restore_uploads(Path(scratch) / UPLOADS, uploads)
    return manifest


def target_tables() -> tuple[list[str], list[str]]:
    """The bound database's tables, and those holding rows beyond what migrating fills."""
    with db.connection_context():
        tables = db.get_tables()
        occupied = [
            name
            for name in tables
            if not is_bookkeeping(name)
            and db.execute_sql(f'SELECT 1 FROM "{name}" LIMIT 1').fetchone()
        ]
    return tables, occupied


def _restore_sqlite(copy: Path, target: Path) -> None:
    """Page by page into the target through the backup API: the target's connections see the
    whole restored database or none of it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(copy)) as source, closing(sqlite3.connect(target)) as live:
        source.backup(live)


def _restore_postgres(dump: Path, database_url: str, *, clean: bool) -> None:
    if shutil.which("pg_restore") is None:
        raise BackupError("pg_restore is not installed (apt-get install postgresql-client).")
    command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
    command += ["--single-transaction", "--dbname", libpq_url(database_url)]
    if clean:  # a migrated (or, forced, a full) database: drop what the dump recreates
        command += ["--clean", "--if-exists"]
    done = subprocess.run([*command, str(dump)], capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()}")


def _restore_uploads(copy: Path, uploads: Path) -> None:
    if copy.is_dir():
        shutil.copytree(copy, uploads, dirs_exist_ok=True)
