"""Backup benchmark (issue 21): how long a backup and a restore of BENCH_ORDERS (100,000) orders
take, on SQLite and, with BENCH_DATABASE_URL, on PostgreSQL.

    .venv/bin/python bench/backup.py
    BENCH_DATABASE_URL=postgresql://…/jl_bench .venv/bin/python bench/backup.py

Builds the demo shop and the generated orders in a scratch SQLite file (and in a scratch
PostgreSQL database created beside BENCH_DATABASE_URL's, named after it, dropped afterwards),
then times `make_backup` and `restore_backup` into an empty database of the same kind, beside
references measured in the same run: a plain copy of a file as large as the database (SQLite:
the database file; PostgreSQL: its on-disk size, `pg_database_size`), and what the backup's
main step costs alone (SQLite: gzip of the database file at the archive's level; PostgreSQL:
`pg_dump -Fc`, run before the backup so a cold cache slows the reference, not the backup).
"""

import gzip
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app
from commands.demo.order_generator import generate_orders
from commands.demo.shop import build_catalog, build_templates
from models import User, db
from models.db import is_postgres
from models.operations.archive import COMPRESS_LEVEL
from models.operations.backup import make_backup
from models.operations.restore import restore_backup
from models.schema import upgrade

ORDERS = int(os.environ.get("BENCH_ORDERS", 100_000))


def timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def build_shop(url: str) -> None:
    app = create_app(DATABASE_URL=url, TESTING=True)
    with app.app_context():
        upgrade()
        admin = User.register("admin@example.com", "Admin", "bench-password-1", role="admin")
        build_templates(build_catalog(), admin)
        seconds = timed(lambda: generate_orders(ORDERS, random.Random(1)))
        print(f"  generated {ORDERS} orders in {seconds:.0f} s", flush=True)
        # What PostgreSQL's autovacuum does after a load like this, not while measuring.
        db.execute_sql("VACUUM ANALYZE" if is_postgres() else "ANALYZE")
        db.close_all()


def copy_reference(size: int, scratch: Path) -> float:
    """A plain copy of a file of `size` bytes (written first, so the copy reads a warm cache as
    the backup does)."""
    source = scratch / "reference.bin"
    with open(source, "wb") as file:
        file.write(os.urandom(1 << 20) * (size >> 20) + os.urandom(size % (1 << 20)))
    seconds = timed(lambda: shutil.copyfile(source, scratch / "reference.copy"))
    source.unlink()
    (scratch / "reference.copy").unlink()
    return seconds


def gzip_reference(path: Path, scratch: Path) -> tuple[str, float]:
    """What the archive's compression alone costs: the database file through gzip, at the
    archive's level."""
    copy = scratch / "reference.gz"
    seconds = timed(lambda: gzip_file(path, copy))
    copy.unlink()
    return f"gzip -{COMPRESS_LEVEL} of the {path.stat().st_size >> 20} MiB database file", seconds


def gzip_file(path: Path, copy: Path) -> None:
    with open(path, "rb") as source, gzip.open(copy, "wb", compresslevel=COMPRESS_LEVEL) as target:
        shutil.copyfileobj(source, target, 1 << 20)


def pg_dump_reference(url: str, scratch: Path) -> tuple[str, float]:
    """What pg_dump -Fc alone costs, without the snapshot, counts and archive around it."""
    dump = scratch / "reference.pgdump"
    seconds = timed(lambda: subprocess.run(["pg_dump", "-Fc", "-f", str(dump), url], check=True))
    dump.unlink()
    return "pg_dump -Fc alone", seconds


def measure(kind: str, source_url: str, target_url: str, size_of, scratch: Path, tool) -> None:
    build_shop(source_url)
    app = create_app(DATABASE_URL=source_url, TESTING=True)
    with app.app_context():
        label, tool_s = tool()  # first: a cold cache slows it, not the backup
        started = time.perf_counter()
        archive = make_backup(source_url, scratch / "uploads", scratch / "archives")
        backup_s = time.perf_counter() - started
        size = size_of()
        db.close_all()
    target = create_app(DATABASE_URL=target_url, TESTING=True)
    with target.app_context():
        restore_s = timed(lambda: restore_backup(archive, target_url, scratch / "restored"))
        db.close_all()
    reference = copy_reference(size, scratch)
    mib = 1 << 20
    print(
        f"{kind}: {ORDERS} orders, database {size / mib:.0f} MiB, "
        f"archive {archive.stat().st_size / mib:.1f} MiB\n"
        f"  backup   {backup_s:6.1f} s\n  restore  {restore_s:6.1f} s\n"
        f"  reference: plain copy of {size / mib:.0f} MiB  {reference:6.2f} s\n"
        f"  reference: {label}  {tool_s:6.2f} s",
        flush=True,
    )
    archive.unlink()


def postgres_size(url: str):
    def size() -> int:
        return db.execute_sql("SELECT pg_database_size(current_database())").fetchone()[0]

    return size


def with_databases(base: str, work) -> None:
    """work(source_url, target_url) on two new databases beside `base`'s, dropped after."""
    import psycopg2

    root, name = base.rsplit("/", 1)
    names = [f"{name}_{role}_{uuid.uuid4().hex[:6]}" for role in ("src", "dst")]
    admin = psycopg2.connect(base)
    admin.autocommit = True
    try:
        for created in names:
            admin.cursor().execute(f'CREATE DATABASE "{created}"')
        work(*(f"{root}/{created}" for created in names))
    finally:
        for created in names:
            admin.cursor().execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')
        admin.close()


def main() -> None:
    print(
        f"# {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} · {os.cpu_count()} cores · "
        f"{platform.machine()} · Python {platform.python_version()}",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        source, target = scratch / "source.db", scratch / "target.db"
        measure(
            "sqlite",
            f"sqlite:///{source}",
            f"sqlite:///{target}",
            lambda: source.stat().st_size,
            scratch,
            lambda: gzip_reference(source, scratch),
        )
        base = os.environ.get("BENCH_DATABASE_URL")
        if base:
            with_databases(
                base,
                lambda src, dst: measure(
                    "postgresql",
                    src,
                    dst,
                    postgres_size(src),
                    scratch,
                    lambda: pg_dump_reference(src, scratch),
                ),
            )


if __name__ == "__main__":
    main()
