"""Read-side queries of the staff board: pages of orders, newest first, and counts per status.

Pages are keyset-paginated over (created_at desc, id desc): a page after a cursor reads from the
created_at index where the previous page stopped, so page 2,000 costs what page 1 costs.
"""

from dataclasses import dataclass, replace
from datetime import datetime

from peewee import JOIN, SQL, NodeList, Select, fn

from models.customer import Customer
from models.db import db, is_postgres
from models.form_template import FormTemplate
from models.order import STATUSES, Order
from models.order_filters import OrderFilter
from models.pickup import PickupPoint
from models.user import User

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
    Order.assignee,
    Customer.id,
    Customer.name,
    Customer.phone,
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
        try:
            return cls(datetime.fromisoformat(stamp), int(ident))
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
    query = order_filter.query()
    if after is not None:
        # The first term bounds the index range; the second breaks ties on created_at.
        query = query.where(
            Order.created_at <= after.created_at,
            (Order.created_at < after.created_at) | (Order.id < after.id),
        )
    rows = list(newest_first(with_row_columns(query)).limit(size + 1))
    more = len(rows) > size
    return Page(rows[:size], Cursor.of(rows[size - 1]) if more else None)


def column_pages(order_filter: OrderFilter, size: int = COLUMN_SIZE) -> dict[str, Page]:
    """The first page of each shown status, for the column view."""
    return {
        status: board_page(replace(order_filter, statuses=(status,)), size=size)
        for status in shown_statuses(order_filter)
    }


def shown_statuses(order_filter: OrderFilter) -> tuple[str, ...]:
    return order_filter.statuses or STATUSES


def status_counts(order_filter: OrderFilter) -> dict[str, int]:
    """How many orders of each status the filter keeps, ignoring its own status choice."""
    counts = dict.fromkeys(STATUSES, 0)
    query = order_filter.without_statuses().query()
    # COUNT(*), not COUNT(id): PostgreSQL then counts from an index alone, too
    query = query.select(Order.status, fn.COUNT(SQL("*"))).group_by(Order.status)
    if not order_filter.search and not is_postgres():
        # Without ANALYZE statistics SQLite would count through a one-column index and read
        # every matching row; this index holds every filtered column, so it reads no row.
        query = query.from_(NodeList((Order, SQL(f'INDEXED BY "{_counts_index()}"'))))
    counts.update(dict(query.tuples()))
    return counts


COUNTS_INDEX = ["status", "created_at", "template_id", "pickup_point_id", "assignee_id"]
COUNTS_INDEX += ["payment_status", "total"]


def _counts_index() -> str:
    """The name peewee (and so migration 0005) gave the counting index on Order."""
    return next(
        index._name
        for index in Order._meta.fields_to_index()
        if [field.column_name for field in index._expressions] == COUNTS_INDEX
    )


def first_page(order_filter: OrderFilter) -> tuple[dict[str, int], Page]:
    """The table's first page and the counts per status."""
    if order_filter.search:
        counts, firsts = _search_firsts(order_filter, PAGE_SIZE)
        keys = [key for status in shown_statuses(order_filter) for key in firsts.get(status, [])]
        return counts, _page_of(keys, PAGE_SIZE)
    return status_counts(order_filter), board_page(order_filter)


def first_columns(order_filter: OrderFilter) -> tuple[dict[str, int], dict[str, Page]]:
    """Each shown status's first page for the column view, and the counts per status."""
    if order_filter.search:
        counts, firsts = _search_firsts(order_filter, COLUMN_SIZE)
        statuses = shown_statuses(order_filter)
        return counts, {s: _page_of(firsts.get(s, []), COLUMN_SIZE) for s in statuses}
    return status_counts(order_filter), column_pages(order_filter)


def _search_firsts(order_filter: OrderFilter, size: int):
    """Counts per status and each status's newest `size + 1` (created_at, id), in one pass.

    A search reads every order of its date range (answers are free text); separate count and
    page queries would read them twice, the column view seven times.
    """
    newest = [Order.created_at.desc(), Order.id.desc()]
    ranked = (
        order_filter.without_statuses()
        .query()
        .select(
            Order.id,
            Order.status,
            Order.created_at,
            fn.COUNT(Order.id).over(partition_by=[Order.status]).alias("hits"),
            fn.ROW_NUMBER().over(partition_by=[Order.status], order_by=newest).alias("rank"),
        )
        .alias("ranked")
    )
    firsts = Select([ranked], [ranked.c.id, ranked.c.status, ranked.c.created_at, ranked.c.hits])
    counts, keys = dict.fromkeys(STATUSES, 0), {}
    for order_id, status, created_at, hits in (
        firsts.where(ranked.c.rank <= size + 1).bind(db).tuples()
    ):
        counts[status] = hits
        keys.setdefault(status, []).append((Order.created_at.python_value(created_at), order_id))
    return counts, keys


def _page_of(keys: list[tuple[datetime, int]], size: int) -> Page:
    """The page of the newest `size` of these (created_at, id) keys."""
    keys = sorted(keys, reverse=True)
    rows = board_rows(order_id for _, order_id in keys[:size])
    return Page(rows, Cursor(*keys[size - 1]) if len(keys) > size else None)


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
