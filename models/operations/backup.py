"""Making a backup while the app serves: one consistent copy of the database (SQLite's online
backup API, or `pg_dump -Fc` in an exported snapshot), the rows it holds per table, and the
uploads folder, into one dated archive (models/operations/archive.py)."""

import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from models.db import db
from models.operations.archive import (
    DUMPS,
    FORMAT,
    UPLOADS,
    BackupError,
    applied_migrations,
    database_kind,
    libpq_url,
    read_manifest,
    sha256_of,
    sqlite_path,
    table_rows,
    write_archive,
)

NAME = "jielong-%Y%m%dT%H%M%SZ.tar.gz"


def make_backup(
    database_url: str, uploads: Path, directory: Path, *, app_version: str = "", now=None
) -> Path:
    """Back up the database at `database_url` (the one `db` is bound to) and the `uploads`
    folder into a new archive in `directory`; return its path."""
    now = now or datetime.now(UTC)
    kind = database_kind(database_url)
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=directory, prefix=".backup-") as scratch:
        dump = Path(scratch) / DUMPS[kind]
        if kind == "sqlite":
            tables, schema = _copy_sqlite(sqlite_path(database_url), dump)
        else:
            tables, schema = _dump_postgres(database_url, dump)
        members = {DUMPS[kind]: dump} | _copy_uploads(uploads, Path(scratch) / UPLOADS)
        manifest = {
            "format": FORMAT,
            "kind": kind,
            "created_at": now.isoformat(timespec="seconds"),
            "app_version": app_version,
            "schema": schema,
            "schema_version": schema[-1] if schema else None,
            "tables": tables,
            "files": {name: sha256_of(path) for name, path in members.items()},
        }
        target = directory / now.strftime(NAME)
        write_archive(target, manifest, members)
    return target


def _copy_sqlite(source: Path, copy: Path) -> tuple[dict, list]:
    """Copy in one step of the backup API: a read transaction, so writers go on (WAL) and the
    copy is the database as of one moment. Counted in the copy, so the counts are the copy's."""
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(copy)) as target:
        live.backup(target)
        cursor = target.cursor()
        tables = table_rows(cursor, "sqlite")
        return tables, applied_migrations(cursor, tables)


def _dump_postgres(database_url: str, dump: Path) -> tuple[dict, list]:
    """pg_dump in a snapshot exported by a REPEATABLE READ transaction that counts the rows, so
    the dump and the counts are the same moment of the database."""
    if shutil.which("pg_dump") is None:
        raise BackupError("pg_dump is not installed (apt-get install postgresql-client).")
    with db.connection_context(), db.atomic("REPEATABLE READ"):
        cursor = db.cursor()
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables = table_rows(cursor, "postgresql")
        schema = applied_migrations(cursor, tables)
        command = ["pg_dump", "-Fc", f"--snapshot={snapshot}", "-f", str(dump)]
        done = subprocess.run(
            [*command, "--dbname", libpq_url(database_url)], capture_output=True, text=True
        )
    if done.returncode:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    return tables, schema


def _copy_uploads(uploads: Path, copy: Path) -> dict[str, Path]:
    """The uploads as they are now, copied first so a file replaced meanwhile cannot differ
    from its checksum."""
    if not uploads.is_dir():
        return {}
    shutil.copytree(uploads, copy)
    return {
        f"{UPLOADS}/{path.relative_to(copy).as_posix()}": path
        for path in sorted(copy.rglob("*"))
        if path.is_file()
    }


def archive_times(directory: Path) -> dict[Path, datetime]:
    """The archives in `directory`, oldest first, each with when it was made (UTC, its name)."""
    times = {}
    for path in sorted(directory.glob("jielong-*.tar.gz")):
        try:
            times[path] = datetime.strptime(path.name, NAME).replace(tzinfo=UTC)
        except ValueError:  # not named by make_backup
            continue
    return times


def list_backups(directory: Path) -> list[tuple[Path, dict]]:
    """The archives in `directory`, oldest first, each with its manifest."""
    return [(path, read_manifest(path)) for path in archive_times(directory)]
