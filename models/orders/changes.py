"""Has an order changed since a page looked? Answered by the database, never by a clock.

Database triggers (migration 0014) give every INSERT or UPDATE of an order, whoever writes it
(the app on any server, a script, an import, a hand-written SQL fix), two numbers:

- `change_seq`, the next value of a database counter: a row's number grows with each change;
- `change_tx`, the transaction that wrote it: on PostgreSQL its transaction id; on SQLite, whose
  writers commit one after another, change_seq again.

A page remembers a `Watch`: a `floor` below which every transaction had finished when it looked,
and the signature ("count.sum of change_seq") of the orders written by transactions from the
floor on. The signature moves with any change after that: a new order adds to the count, a
changed one gets a higher number. On SQLite the floor is one past the highest change_tx (nothing
can commit behind it). On PostgreSQL a sequence value is taken before its transaction commits,
so transactions may commit out of order; the floor is the oldest transaction still running when
the page looked (pg_snapshot_xmin), so a change that commits late, however late, lies above the
floor. An unchanged poll is one query on the (change_tx, change_seq) index.
"""

from dataclasses import dataclass

from peewee import fn

from models.db import db, is_postgres
from models.orders.order import Order

BIGINT = 2**63 - 1

_SQL = {}  # per database class: the floor and signature queries, built once


def _queries() -> tuple[str, str]:
    """(floor SQL, signature SQL) of this database: peewee takes longer to build a query
    than the database takes to run it, and an unchanged poll is little more than this."""
    kind = type(db.obj)
    if kind not in _SQL:
        if is_postgres():
            floor = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
        else:
            floor = 'SELECT COALESCE(MAX(change_tx), 0) + 1 FROM "order"'
        signature = Order.select(fn.COUNT(Order.id), fn.SUM(Order.change_seq))
        _SQL[kind] = (floor, signature.where(Order.change_tx >= 0).sql()[0])
    return _SQL[kind]


@dataclass(frozen=True)
class Watch:
    floor: int  # transactions from this one on may have committed after the page looked
    signature: str  # "count.summed change_seq" of the orders they wrote, as the page saw them

    def to_args(self) -> list[tuple[str, str]]:
        return [("since", str(self.floor)), ("sig", self.signature)]

    @classmethod
    def from_args(cls, args) -> "Watch | None":
        floor = args.get("since", "")
        if not (floor.isascii() and floor.isdigit() and int(floor) <= BIGINT):
            return None
        return cls(int(floor), args.get("sig", ""))


def _signature(floor: int) -> str:
    count, summed = db.execute_sql(_queries()[1], (floor,)).fetchone()
    return f"{count}.{summed or 0}"


def watch_now() -> Watch:
    """Where a page's live updates start; take it before reading the page's rows."""
    floor = db.execute_sql(_queries()[0]).fetchone()[0]
    return Watch(floor, _signature(floor))


def unchanged(watch: Watch) -> bool:
    """No order changed since the page took `watch`: one indexed query."""
    return _signature(watch.floor) == watch.signature


def written_since(watch: Watch):
    """The ids of the orders written since `watch` (and a few the page may have seen already),
    the latest transactions' first: backwards along the (change_tx, change_seq) index."""
    query = Order.select(Order.id).where(Order.change_tx >= watch.floor)
    return query.order_by(Order.change_tx.desc(), Order.change_seq.desc())


def activity_stamp(template_id: int) -> str:
    """Changes whenever any order of the activity does: "count.summed change_seq" of them all,
    on the (template, change_seq) index. Exact whatever order transactions commit in: a new
    order raises the count, a changed one the sum (its number only grows), and orders are never
    deleted."""
    count, summed = (
        Order.select(fn.COUNT(Order.id), fn.SUM(Order.change_seq))
        .where(Order.template == template_id)
        .tuples()
        .get()
    )
    return f"{count}.{summed or 0}"
