"""Live board updates: has anything changed since the page last looked, and which rows to send.

A page holds a `Watch` (models/orders/changes.py): what the database had numbered when the page looked,
with no clock involved. A poll recomputes its signature in one indexed query; the same signature
means nothing changed (HTTP 204).

When something did change, the page tells which orders it shows (id, version, status) and how
far down each list it has loaded, so the answer is exact: rows shown at an older version (or in
another status) are replaced, orders that now match the filter and are not shown are added at
the top, nothing else.
"""

from dataclasses import dataclass

from models.board.filters import OrderFilter
from models.board.queries import Cursor, board_rows, matching_ids
from models.db import one_snapshot
from models.orders.changes import Watch, watch_now, written_since
from models.orders.order import Order
from models.orders.status import STATUSES
from models.params import positive_id, whole_number

MAX_ROWS = 300  # rows one poll sends at most; the rest follow on the next poll or a reload


@dataclass(frozen=True)
class Shown:
    """An order as a page shows it: the version and status it was rendered at."""

    version: int
    status: str


@dataclass(frozen=True)
class Changes:
    changed: list[Order]  # shown at another version or status: replace in place
    entering: list[Order]  # match the filter and are not shown: add at the top
    left: set[int]  # ids of changed orders the filter no longer keeps
    watch: Watch


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
    with one_snapshot():  # the new watch and the rows as of one moment
        fresh = watch_now()
        recent = written_since(watch).limit(MAX_ROWS)
        rows = board_rows(order_id for (order_id,) in recent.tuples())
        keeps = matching_ids(order_filter, [row.id for row in rows])
    changed = [r for r in rows if r.id in shown and _differs(shown[r.id], r)]
    entering = [
        r
        for r in rows
        if r.id not in shown
        and r.id in keeps
        and _within(r, loaded_to.get(r.status if by_status else None))
    ]
    left = {r.id for r in changed if r.id not in keeps}
    return Changes(changed, entering, left, fresh)


def _differs(seen: Shown, order: Order) -> bool:
    """The page shows `order` otherwise than it is: at another version, or in another status
    (a hand-written SQL fix may leave the version as it was)."""
    return (seen.version, seen.status) != (order.version, order.status)


def _within(order: Order, oldest: Cursor | None) -> bool:
    return oldest is None or (order.created_at, order.id) >= (oldest.created_at, oldest.id)
