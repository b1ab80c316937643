"""A throwaway schema of a PostgreSQL database, so a benchmark never writes into (or trips over)
what is already there, and two runs in a row both start empty.

    .venv/bin/python bench/scratch_schema.py create BASE_URL          # prints the new schema
    .venv/bin/python bench/scratch_schema.py url BASE_URL SCHEMA      # the URL working in it
    .venv/bin/python bench/scratch_schema.py drop BASE_URL SCHEMA     # drops it and its tables
"""

import os
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models import db
from models.db import bind_database


def _run(base: str, sql: str) -> None:
    bind_database(base).execute_sql(sql)
    db.close()


def create(base: str, prefix: str) -> str:
    schema = f"{prefix}_{uuid.uuid4().hex[:8]}"
    _run(base, f'CREATE SCHEMA "{schema}"')
    return schema


def url_in(base: str, schema: str) -> str:
    return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"


def drop(base: str, schema: str) -> None:
    _run(base, f'DROP SCHEMA "{schema}" CASCADE')


def on_each_database(run, name: str) -> None:
    """`run(url, title)` on a SQLite file in a temporary folder, then, with BENCH_DATABASE_URL
    set, in a throwaway schema of that PostgreSQL database."""
    with tempfile.TemporaryDirectory() as scratch:
        run(f"sqlite:///{scratch}/{name}.db", "SQLite")
    base = os.environ.get("BENCH_DATABASE_URL")
    if base:
        schema = create(base, f"bench_{name}")
        try:
            run(url_in(base, schema), "PostgreSQL")
        finally:
            drop(base, schema)


if __name__ == "__main__":
    command, base, *rest = sys.argv[1:]
    if command == "create":
        print(create(base, "bench_run"))
    elif command == "url":
        print(url_in(base, rest[0]))
    else:
        drop(base, rest[0])
