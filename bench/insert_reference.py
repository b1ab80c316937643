"""The reference beside the order submit in bench/submit.py: the smallest write a web request
can make, served the same way (gunicorn, same workers, the app's own pooled connection with its
timeouts, `db.atomic()`), so what the machine gives at that moment is measured in the same run.

A POST inserts one row (`bench_reference`: an id, a text, a time) in its own transaction and
answers 303, as the order form does; anything else answers 404.

    DATABASE_URL=... gunicorn 'bench.insert_reference:app'
"""

import os

from peewee import CharField, DateTimeField, Model

from models.base import utcnow
from models.db import bind_database, db


class BenchReference(Model):
    note = CharField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        database = db
        table_name = "bench_reference"


def create_table(url: str) -> None:
    bind_database(url)
    with db.connection_context():
        db.create_tables([BenchReference])
    db.close()


def app(environ, start_response):
    if environ["REQUEST_METHOD"] != "POST":
        start_response("404 Not Found", [("Content-Length", "0")])
        return [b""]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    note = environ["wsgi.input"].read(length)[:200].decode(errors="replace")
    with db.connection_context(), db.atomic():
        BenchReference.create(note=note)
    start_response("303 See Other", [("Location", "/"), ("Content-Length", "0")])
    return [b""]


if os.environ.get("DATABASE_URL"):  # under gunicorn
    bind_database(os.environ["DATABASE_URL"])
