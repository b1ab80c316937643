"""Read-side queries of the staff board: pages of orders, newest first, and counts per status.

Pages are keyset-paginated over (created_at desc, id desc): a page after a cursor reads from the
created_at index where the previous page stopped, so page 2,000 costs what page 1 costs.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from functools import reduce

from peewee import JOIN, SQL, NodeList, Select, fn

from models.accounts.user import User
from models.activities.pickup import PickupPoint
from models.activities.template import FormTemplate
from models.board.filters import OrderFilter
from models.board.kept_counts import keep_counts, kept_counts
from models.customers.customer import Customer
from models.db import db, is_postgres
from models.orders.changes import Watch
from models.orders.order import Order
from models.orders.status import STATUSES
from models.params import positive_id

PAGE_SIZE = 50
COLUMN_SIZE = 20

ROW_COLUMNS = (
    Order.id,
    Order.number,
    Order.status,
    Order.payment_status,
    Order.total,
    Order.version,
    Order.created_at,
    Order.updated_at,
    Order.customer,
    Order.template,
    Order.pickup_point,
    Order.pickup_starts_at,
    Order.pickup_ends_at,
    Order.assignee,
    Order.template_version,  # with the answers: the booked time slot (blueprints/rendering.py)
    Order.answers,
    Customer.id,
    Customer.name,
    Customer.phone,
    Customer.tier,  # its name from the view's `tier_names`
    FormTemplate.id,
    FormTemplate.title,
    PickupPoint.id,
    PickupPoint.name,
    User.id,
    User.name,
)


@dataclass(frozen=True)
class Cursor:
    """Where a page of the board ends: its last order's created_at and id."""

    created_at: datetime
    id: int

    def __str__(self) -> str:
        return f"{self.created_at.isoformat()}~{self.id}"

    @classmethod
    def parse(cls, text: str | None) -> "Cursor | None":
        stamp, _, ident = (text or "").rpartition("~")
        order_id = positive_id(ident)
        try:
            return cls(datetime.fromisoformat(stamp), order_id) if order_id else None
        except ValueError:
            return None

    @classmethod
    def of(cls, order: Order) -> "Cursor":
        return cls(order.created_at, order.id)


@dataclass(frozen=True)
class Page:
    rows: list[Order]
    next: Cursor | None  # where the following page starts; None on the last page


def with_row_columns(query):
    """`query` (a Select of Order) reading what a board row shows, in the same round trip."""
    return (
        query.select(*ROW_COLUMNS)
        .join(Customer, on=Order.customer)
        .switch(Order)
        .join(FormTemplate, on=Order.template)
        .switch(Order)
        .join(PickupPoint, JOIN.LEFT_OUTER, on=Order.pickup_point)
        .switch(Order)
        .join(User, JOIN.LEFT_OUTER, on=Order.assignee)
    )


def newest_first(query):
    return query.order_by(Order.created_at.desc(), Order.id.desc())


def board_page(order_filter: OrderFilter, after: Cursor | None = None, size: int = PAGE_SIZE):
    """One page of the filtered orders, newest first, starting after `after`."""
    query = order_filter.query(newest_first=True)
    if after is not None:
        # The first term bounds the index range; the second breaks ties on created_at.
        query = query.where(
            Order.created_at <= after.created_at,
            (Order.created_at < after.created_at) | (Order.id < after.id),
        )
    rows = list(newest_first(with_row_columns(query)).limit(size + 1))
    more = len(rows) > size
    return Page(rows[:size], Cursor.of(rows[size - 1]) if more else None)


def shown_statuses(order_filter: OrderFilter) -> tuple[str, ...]:
    return order_filter.statuses or STATUSES


def status_counts(order_filter: OrderFilter, watch: Watch | None = None) -> dict[str, int]:
    """How many orders of each status the filter keeps, ignoring its own status choice; read
    after the page took `watch`, they are kept for the next page at it (models/board/kept_counts.py)."""
    return _firsts(order_filter, {}, 0, watch)[0]


def _counting(order_filter: OrderFilter, *columns):
    """SELECT status, COUNT(*), *columns of the orders the filter (no search) keeps, any status."""
    query = order_filter.without_statuses().query()
    # COUNT(*), not COUNT(id): PostgreSQL then counts from an index alone, too
    query = query.select(Order.status, fn.COUNT(SQL("*")), *columns).group_by(Order.status)
    if not is_postgres():
        # Without ANALYZE statistics SQLite would count through a one-column index and read
        # every matching row; it is told the narrowest index that holds every filtered column
        # and the status, so it reads no row.
        index = _index_name(counts_index(order_filter))
        query = query.from_(NodeList((Order, SQL(f'INDEXED BY "{index}"'))))
    return query


COUNTS_INDEX = ("status", "created_at", "template_id", "pickup_point_id", "assignee_id")
COUNTS_INDEX += ("payment_status", "total")

# Narrower indexes holding the status, each for the filters that limit nothing but its columns
# (and the leading one): the orders of one pickup point or assignee are a fraction of all
# (migration 0065); (status, created_at) is half as wide as the index that holds everything.
NARROW_COUNTS = (
    (("pickup_point_id", "created_at", "id", "status"), {"pickup_point_id"}),
    (("assignee_id", "created_at", "id", "status"), {"assignee_id"}),
    (("status", "created_at"), set()),
)


def counts_index(order_filter: OrderFilter) -> tuple[str, ...]:
    """The columns of the index SQLite counts `order_filter`'s orders per status from."""
    limited = order_filter.limited_columns()
    for columns, leading in NARROW_COUNTS:
        if limited <= set(columns) and leading <= limited:
            return columns
    return COUNTS_INDEX


def _index_name(columns: tuple[str, ...]) -> str:
    """The name peewee (and so the migrations) gave the index on Order with these columns."""
    return _INDEX_NAMES[columns]


_INDEX_NAMES = {
    tuple(field.column_name for field in index._expressions): index._name
    for index in Order._meta.fields_to_index()
}


def first_page(order_filter: OrderFilter, watch: Watch | None = None) -> tuple[dict, Page]:
    """The table's first page and the counts per status (`watch`: as in `status_counts`)."""
    counts, firsts = _firsts(order_filter, {None: order_filter}, PAGE_SIZE, watch)
    return counts, _pages(firsts, PAGE_SIZE)[None]


def first_columns(order_filter: OrderFilter, watch: Watch | None = None) -> tuple[dict, dict]:
    """Each shown status's first page for the column view, and the counts per status
    (`watch`: as in `status_counts`)."""
    statuses = shown_statuses(order_filter)
    lists = {status: replace(order_filter, statuses=(status,)) for status in statuses}
    counts, firsts = _firsts(order_filter, lists, COLUMN_SIZE, watch)
    return counts, _pages(firsts, COLUMN_SIZE)


def _firsts(order_filter: OrderFilter, lists: dict, size: int, watch: Watch | None):
    """Counts per status and the newest `size + 1` (created_at, id) of each list, in one query.

    `lists` maps None (the table) or a status (its column) to that list's filter: one round
    trip however many lists (the column view has six). Without a search the count reads one
    covering index and each list walks an index newest first, stopping after `size + 1`. A
    search puts the orders it finds (`OrderFilter.found()`, with their status and created_at)
    into a CTE once, and the count and the lists read that. Counts kept at `watch` are not
    read again.
    """
    kept = kept_counts(order_filter, watch)
    nothing, found = SQL("NULL"), None
    if order_filter.search:
        columns = ("id", "status", "created_at")
        found = order_filter.without_statuses().found()
        found = found.cte("found", columns=columns, materialized=True)
        count = Select([found], [found.c.status, fn.COUNT(SQL("*")), nothing, nothing])
        parts = [count.group_by(found.c.status)]
        for list_filter in lists.values():
            keys = Select([found], [found.c.status, nothing, found.c.id, found.c.created_at])
            if list_filter.statuses:
                keys = keys.where(found.c.status.in_(list_filter.statuses))
            newest = (found.c.created_at.desc(), found.c.id.desc())
            parts.append(keys.order_by(*newest).limit(size + 1))
    else:
        parts = [_counting(order_filter, nothing, nothing)] if kept is None else []
        for list_filter in lists.values():
            keys = list_filter.query(newest_first=True)
            keys = keys.select(Order.status, nothing, Order.id, Order.created_at)
            parts.append(newest_first(keys).limit(size + 1))
    counts, firsts = kept or dict.fromkeys(STATUSES, 0), {key: [] for key in lists}
    if not parts:
        return counts, firsts
    query = reduce(lambda union, part: union.union_all(part), parts)
    if found is not None:
        query = query.with_cte(found)
    for status, count, order_id, created_at in query.bind(db).tuples():
        if order_id is None:
            counts[status] = count
        else:
            key = status if status in lists else None
            firsts[key].append((Order.created_at.python_value(created_at), order_id))
    if kept is None:
        keep_counts(order_filter, watch, counts)
    return counts, firsts


def _pages(firsts: dict, size: int) -> dict:
    """Each list's page of its newest `size` (created_at, id) keys, the rows read at once."""
    firsts = {key: sorted(keys, reverse=True) for key, keys in firsts.items()}
    rows = board_rows(order_id for keys in firsts.values() for _, order_id in keys[:size])
    by_id = {row.id: row for row in rows}
    return {
        key: Page(
            [by_id[order_id] for _, order_id in keys[:size]],
            Cursor(*keys[size - 1]) if len(keys) > size else None,
        )
        for key, keys in firsts.items()
    }


def board_rows(order_ids) -> list[Order]:
    """Board rows for these orders (any filter), newest first."""
    ids = list(order_ids)
    if not ids:
        return []
    return list(newest_first(with_row_columns(Order.select().where(Order.id.in_(ids)))))


def matching_ids(order_filter: OrderFilter, order_ids) -> set[int]:
    """Which of `order_ids` the filter keeps."""
    ids = list(order_ids)
    if not ids:
        return set()
    query = order_filter.query().select(Order.id).where(Order.id.in_(ids))
    return {order_id for (order_id,) in query.tuples()}
