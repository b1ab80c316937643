"""The public 接龙 list of an activity: who joined, in order, with names masked.

The order form shows its tail (the latest entries and the counts), whatever the number of
orders; the list page shows it a page at a time, by keyset (after the last entry shown).
Each is read in one snapshot, so an order committing meanwhile is wholly in it or not at all.
The counts are the activity's counted places (models/activities/allotment.py ORDERS and
PEOPLE), one indexed read at any size. An exchange's replacement order (after-sales) is no one
joining: it takes no place and is not on the list.
"""

import re
from dataclasses import dataclass, field

from peewee import JOIN, Tuple, fn

from models.activities import allotment
from models.customers.customer import Customer, mask_name
from models.db import one_snapshot
from models.orders.order import Order, OrderLine
from models.orders.status import OrderSource, OrderStatus
from models.statements import Slot, Statement, StatementPerCount, slots

LATEST = 10  # entries the order form shows
PAGE = 50  # entries per page of the list
CURSOR = re.compile(r"([1-9][0-9]{0,8})\.([1-9][0-9]{0,17})")  # position.order id


@dataclass(frozen=True)
class ChainEntry:
    position: int
    masked_name: str
    items: list[tuple[str, int]]  # (product name as sold, quantity)


@dataclass(frozen=True)
class Chain:
    entries: list[ChainEntry]  # in order of joining
    orders: int  # orders still standing
    people: int  # distinct customers: one person ordering twice is one person
    totals: list[tuple[str, int]] = field(default_factory=list)  # per item (the list page)
    next_after: str | None = None  # the cursor of the next page, when there is one
    tail: bool = False  # the order form's: the latest entries only

    @property
    def earlier(self) -> bool:
        """Entries before those shown (the form's tail of a longer list)."""
        return bool(self.entries) and self.entries[0].position > 1


def _standing(template_id: int):
    return (
        (Order.template == template_id)
        & (Order.status != OrderStatus.CANCELLED)
        & (Order.source != OrderSource.AFTERSALES)
    )


def _entries(orders: list[tuple[int, str]], first_position: int) -> list[ChainEntry]:
    """`orders` ((id, customer name), in joining order) with their lines."""
    items: dict[int, list[tuple[str, int]]] = {order_id: [] for order_id, _ in orders}
    if orders:
        for order_id, name, quantity in _LINES.run("order", list(items)):
            items[order_id].append((name, quantity))
    return [
        ChainEntry(position, mask_name(name), items[order_id])
        for position, (order_id, name) in enumerate(orders, start=first_position)
    ]


# The SQL of the lines and of the latest entries is kept (models/statements.py): the order form
# reads them on every view
_LINES = StatementPerCount(
    lambda count: (
        OrderLine.select(OrderLine.order, OrderLine.name, OrderLine.quantity)
        .where(OrderLine.order.in_(slots("order", count)))
        .order_by(OrderLine.id)
    )
)


def _orders(template_id):
    return (
        Order.select(Order.id, Customer.name).join(Customer).where(_standing(template_id)).tuples()
    )


_LATEST = Statement(
    lambda: (
        _orders(Slot("template")).order_by(Order.created_at.desc(), Order.id.desc()).limit(LATEST)
    )
)


def chain_tail(template_id: int) -> Chain:
    """The counts and the LATEST entries, for the order form."""
    with one_snapshot():
        orders, people = allotment.joined(template_id)
        latest = list(reversed(_LATEST.run(template=template_id).fetchall()))
        entries = _entries(latest, orders - len(latest) + 1)
    return Chain(entries=entries, orders=orders, people=people, tail=True)


def chain_from(template_id: int, after: str = "") -> Chain:
    """PAGE entries after the cursor `after` (from the start when it is not one this list
    gave), with the counts and the totals per item."""
    with one_snapshot():
        orders, people = allotment.joined(template_id)
        query = _orders(template_id).order_by(Order.created_at, Order.id)
        position = 0
        cursor = CURSOR.fullmatch(after or "")
        if cursor:
            last = (
                Order.select(Order.created_at, Order.id)
                .where(Order.id == int(cursor.group(2)), Order.template == template_id)
                .tuples()
                .first()
            )
            if last:
                position = int(cursor.group(1))
                query = query.where(Tuple(Order.created_at, Order.id) > Tuple(*last))
        rows = list(query.limit(PAGE + 1))
        entries = _entries(rows[:PAGE], position + 1)
        totals = (
            OrderLine.select(OrderLine.name, fn.SUM(OrderLine.quantity))
            .join(Order, JOIN.INNER)
            .where(_standing(template_id))
            .group_by(OrderLine.name)
            .order_by(fn.MIN(OrderLine.id))
            .tuples()
        )
        more = len(rows) > PAGE
        return Chain(
            entries=entries,
            orders=orders,
            people=people,
            totals=list(totals),
            next_after=f"{entries[-1].position}.{rows[PAGE - 1][0]}" if more else None,
        )
