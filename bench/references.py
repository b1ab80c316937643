"""The references beside the order submit in bench/submit.py, served the same way (gunicorn,
the same workers, the app's own pooled connection with its timeouts, `db.atomic()`), so what
the machine gives at that moment is measured in the same run:

- POST /insert: the smallest write a web request can make, one row in its own transaction;
- POST /order: a minimal Flask + Peewee order desk: a conditional stock UPDATE
  (`available >= qty`) and an order row, nothing else (issue 22's "minimal prototype").

Each answers 303, as the order form does.

    DATABASE_URL=... gunicorn 'bench.references:app'
"""

import os

from flask import Flask, redirect, request
from peewee import CharField, DateTimeField, IntegerField, Model

from models.base import utcnow
from models.db import bind_database, db


class BenchReference(Model):
    note = CharField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        database = db
        table_name = "bench_reference"


class BenchStock(Model):
    available = IntegerField()

    class Meta:
        database = db
        table_name = "bench_stock"


class BenchOrder(Model):
    key = CharField(unique=True)
    phone = CharField()
    quantity = IntegerField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        database = db
        table_name = "bench_order"


def create_tables(url: str) -> None:
    bind_database(url)
    with db.connection_context():
        db.create_tables([BenchReference, BenchStock, BenchOrder])
        BenchStock.create(id=1, available=10**9)
    db.close()


app = Flask(__name__)


@app.before_request
def _connect():
    db.connect(reuse_if_open=True)


@app.teardown_request
def _close(_exc):
    if not db.is_closed():
        db.close()


@app.post("/insert")
def insert():
    with db.atomic():
        BenchReference.create(note=request.form.get("note", "")[:200])
    return redirect("/o/reference", 303)


@app.post("/order")
def order():
    quantity = 1
    with db.atomic():
        taken = (
            BenchStock.update(available=BenchStock.available - quantity)
            .where(BenchStock.id == 1, BenchStock.available >= quantity)
            .execute()
        )
        if not taken:
            return "sold out", 422
        BenchOrder.create(
            key=request.form.get("key", ""), phone=request.form.get("phone", ""), quantity=quantity
        )
    return redirect("/o/reference", 303)


if os.environ.get("DATABASE_URL"):  # under gunicorn
    bind_database(os.environ["DATABASE_URL"])
