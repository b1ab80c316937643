"""Live board updates: has anything changed since the page last looked, and which rows to send.

A page holds a `Watch`: the newest `updated_at` it reflects and a signature (count and summed
versions) of the orders changed in the LAG before it. A poll recomputes the signature in one
query on the updated_at index; the same signature means nothing changed (HTTP 204). Counting a
short window rather than comparing max(updated_at) also notices a change that committed late with
an earlier timestamp (concurrent transactions on PostgreSQL).

When something did change, the page tells which orders it shows (id, version, status) and how
far down each list it has loaded, so the answer is exact: rows shown at an older version are
replaced, orders that now match the filter and are not shown are added at the top, nothing else.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import fn

from models.db import db
from models.order import STATUSES, Order
from models.order_filters import OrderFilter
from models.params import positive_id, whole_number
from models.queries import Cursor, board_rows, matching_ids

LAG = timedelta(seconds=5)
EPOCH = datetime(2000, 1, 1)
MAX_ROWS = 300  # rows one poll sends at most; the rest follow on the next poll or a reload


@dataclass(frozen=True)
class Watch:
    seen: datetime
    signature: str  # "count.summed_versions" of the orders changed after seen - LAG

    @property
    def since(self) -> datetime:
        return self.seen - LAG

    def to_args(self) -> list[tuple[str, str]]:
        return [("seen", self.seen.isoformat()), ("sig", self.signature)]

    @classmethod
    def from_args(cls, args) -> "Watch | None":
        try:
            return cls(datetime.fromisoformat(args.get("seen", "")), args.get("sig", ""))
        except ValueError:
            return None


@dataclass(frozen=True)
class Shown:
    """An order as a page shows it: the version and status it was rendered at."""

    version: int
    status: str


@dataclass(frozen=True)
class Changes:
    changed: list[Order]  # shown at an older version: replace in place
    entering: list[Order]  # match the filter and are not shown: add at the top
    left: set[int]  # ids of changed orders the filter no longer keeps
    watch: Watch


_SIGNATURE_SQL = {}  # per database class: the signature query, built once


def _signature(since: datetime) -> str:
    """Count and summed versions of the orders changed after `since`, on the updated_at index.

    Its SQL is built once: peewee spends longer building it than the database running it,
    and an unchanged poll is little more than this query.
    """
    kind = type(db.obj)
    if kind not in _SIGNATURE_SQL:
        query = Order.select(fn.COUNT(Order.id), fn.SUM(Order.version))
        _SIGNATURE_SQL[kind] = query.where(Order.updated_at > EPOCH).sql()[0]
    count, versions = db.execute_sql(_SIGNATURE_SQL[kind], (since,)).fetchone()
    return f"{count}.{versions or 0}"


def watch_now() -> Watch:
    """Where a page's live updates start; take it before reading the page's rows."""
    seen = Order.select(fn.MAX(Order.updated_at)).scalar() or EPOCH
    return Watch(seen, _signature(seen - LAG))


def parse_shown(values) -> dict[int, Shown]:
    """The page's "id.version.status" markers; malformed ones are dropped."""
    shown = {}
    for value in values:
        parts = value.split(".")
        if len(parts) != 3:
            continue
        order_id, version = positive_id(parts[0]), whole_number(parts[1])
        if order_id is not None and version is not None and parts[2] in STATUSES:
            shown[order_id] = Shown(version, parts[2])
    return shown


def unchanged(watch: Watch) -> bool:
    """Nothing changed since the page took `watch`: one query on the updated_at index."""
    return _signature(watch.since) == watch.signature


def changes_since(
    order_filter: OrderFilter,
    watch: Watch,
    shown: dict[int, Shown],
    loaded_to: dict[str | None, Cursor],
    *,
    by_status: bool = False,
) -> Changes:
    """What to send a page holding `watch`, once `unchanged(watch)` said something changed.

    `loaded_to` maps each list of the page (None: the table; a status: that column when
    `by_status`) to the cursor of its oldest loaded row; a list missing from it is loaded to the
    end. Orders older than their list is loaded to are left for its "Load more".
    """
    fresh = watch_now()
    recent = Order.select(Order.id).where(Order.updated_at > watch.since)
    recent = recent.order_by(Order.updated_at.desc()).limit(MAX_ROWS)
    rows = board_rows(order_id for (order_id,) in recent.tuples())
    keeps = matching_ids(order_filter, [row.id for row in rows])
    changed = [r for r in rows if r.id in shown and shown[r.id].version != r.version]
    entering = [
        r
        for r in rows
        if r.id not in shown
        and r.id in keeps
        and _within(r, loaded_to.get(r.status if by_status else None))
    ]
    left = {r.id for r in changed if r.id not in keeps}
    return Changes(changed, entering, left, fresh)


def _within(order: Order, oldest: Cursor | None) -> bool:
    return oldest is None or (order.created_at, order.id) >= (oldest.created_at, oldest.id)
