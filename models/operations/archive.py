"""What a backup archive is: a tar.gz holding manifest.json (first), the database dump and the
uploads, every member with its sha256 in the manifest; and the database it belongs to.

    manifest.json        {"format", "kind", "created_at", "app_version", "schema",
                          "schema_version", "tables": {name: rows}, "files": {member: sha256}}
    database.sqlite3     SQLite: a copy made by the online backup API
    database.pgdump      PostgreSQL: `pg_dump -Fc`
    uploads/…            the uploads folder
"""

import hashlib
import io
import json
import os
import tarfile
import time
import zlib
from pathlib import Path

FORMAT = 1
MANIFEST = "manifest.json"
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
UPLOADS = "uploads"
COMPRESS_LEVEL = 1
# Tables a freshly migrated database already fills: the schema's history and the full-text
# index's own bookkeeping (SQLite FTS5 shadow tables).
BOOKKEEPING = ("schema_migration", "order_answer_search")


class BackupError(Exception):
    """A backup could not be made, read or restored; the message says why, for the operator."""


def database_kind(url: str) -> str:
    scheme = url.split(":", 1)[0].split("+", 1)[0]
    if scheme == "sqlite":
        return "sqlite"
    if scheme in {"postgres", "postgresql"}:
        return "postgresql"
    raise BackupError(f"Cannot back up a database of kind {scheme!r}.")


def sqlite_path(url: str) -> Path:
    return Path(url.split(":///", 1)[1])


def libpq_url(url: str) -> str:
    """The URL as pg_dump and pg_restore take it (no `+pool`, the `postgresql` scheme)."""
    return "postgresql://" + url.split("://", 1)[1]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_rows(cursor, kind: str) -> dict[str, int]:
    """Rows per table, read through a DB-API `cursor` (in one snapshot, which the caller opens)."""
    if kind == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    names = sorted(row[0] for row in cursor.fetchall())
    rows = {}
    for name in names:
        cursor.execute(f'SELECT count(*) FROM "{name}"')
        rows[name] = cursor.fetchone()[0]
    return rows


def applied_migrations(cursor, tables) -> list[str]:
    if "schema_migration" not in tables:
        return []
    cursor.execute("SELECT name FROM schema_migration ORDER BY name")
    return [row[0] for row in cursor.fetchall()]


def is_bookkeeping(table: str) -> bool:
    return table.startswith(BOOKKEEPING)


def write_archive(target: Path, manifest: dict, members: dict[str, Path]) -> None:
    """Write the archive beside `target` and rename it there once complete, so a half-written
    archive never carries the final name."""
    partial = target.with_name(f".{target.name}.partial")
    body = json.dumps(manifest, indent=2, sort_keys=True).encode()
    # gzip level 1: a third of level 9's time (which a backup spent almost all its time in),
    # for an archive about a tenth larger (docs/benchmarks.md).
    with tarfile.open(partial, "w:gz", compresslevel=COMPRESS_LEVEL) as tar:
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime = len(body), int(time.time())
        tar.addfile(info, fileobj=io.BytesIO(body))
        for name, path in members.items():
            tar.add(path, arcname=name, recursive=False)
    os.replace(partial, target)


def read_manifest(archive: Path) -> dict:
    """The manifest alone (the archive's first member), unchecked: for listing archives."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.next()
            if member is None or member.name != MANIFEST:
                raise BackupError(f"{archive.name}: no manifest.json at the start; not a backup.")
            return json.load(tar.extractfile(member))
    except (tarfile.TarError, OSError, EOFError, zlib.error, ValueError) as error:
        raise BackupError(f"{archive.name}: unreadable ({error}).") from error


def unpack(archive: Path, into: Path) -> dict:
    """Extract `archive` into the folder `into` and check every member against the manifest;
    return the manifest. Raises BackupError if anything is missing, extra, altered or cut off."""
    manifest = read_manifest(archive)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive.name}: archive format {manifest.get('format')!r} unknown.")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(into, filter="data")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise BackupError(f"{archive.name}: damaged or truncated ({error}).") from error
    expected = manifest["files"]
    found = {
        path.relative_to(into).as_posix()
        for path in into.rglob("*")
        if path.is_file() and path.name != MANIFEST
    }
    if found != set(expected):
        missing, extra = sorted(set(expected) - found), sorted(found - set(expected))
        raise BackupError(
            f"{archive.name}: damaged or incomplete (missing {missing}, unexpected {extra})."
        )
    for name, digest in expected.items():
        if sha256_of(into / name) != digest:
            raise BackupError(f"{archive.name}: {name} does not match its checksum.")
    return manifest
