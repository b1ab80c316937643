"""Getting goods to customers: the picking list (what to take off the shelves for a set of
orders) and the pickup list (a pickup point's open orders, handed over one tap each, the
money still owed collected in the same tap)."""

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from peewee import JOIN, Case, fn, prefetch

from models.activities.pickup import PickupPoint
from models.catalog.products import Product
from models.customers.customer import Customer
from models.db import db, locked
from models.errors import DomainError, StaleOrder
from models.orders.lifecycle import Actor, walk_order
from models.orders.order import Order, OrderLine
from models.orders.payments import METHODS, outstanding, paid_on, paid_so_far, record_payment
from models.orders.status import OPEN_STATUSES, OrderStatus
from models.params import positive_id

# Handing over walks an order forward from any of these to `completed`, step by step.
HAND_OVER_PATH = (
    OrderStatus.CONFIRMED,
    OrderStatus.PROCESSING,
    OrderStatus.READY,
    OrderStatus.COMPLETED,
)


@dataclass(frozen=True)
class PickItem:
    product_id: int | None
    name: str
    sku: str
    unit: str
    quantity: int
    orders: int  # how many orders want it


def picking_list(orders) -> list[PickItem]:
    """Total quantity per product over `orders` (a Select of Order), cancelled ones left out."""
    wanted = orders.select(Order.id).order_by().where(Order.status != OrderStatus.CANCELLED)
    rows = (
        OrderLine.select(
            OrderLine.product.alias("product_id"),
            fn.MIN(OrderLine.name).alias("sold_as"),
            fn.SUM(OrderLine.quantity).alias("quantity"),
            fn.COUNT(fn.DISTINCT(OrderLine.order)).alias("orders"),
            Product.name.alias("name"),
            Product.sku.alias("sku"),
            Product.unit.alias("unit"),
        )
        .join(Product, JOIN.LEFT_OUTER)
        .where(OrderLine.order.in_(wanted))
        .group_by(OrderLine.product, Product.name, Product.sku, Product.unit)
        .dicts()
    )
    items = [
        PickItem(
            product_id=row["product_id"],
            name=row["name"] or row["sold_as"],
            sku=row["sku"] or "",
            unit=row["unit"] or "",
            quantity=int(row["quantity"]),
            orders=int(row["orders"]),
        )
        for row in rows
    ]
    return sorted(items, key=lambda item: (item.name, item.sku))


def picking_order_count(orders) -> int:
    return orders.order_by().where(Order.status != OrderStatus.CANCELLED).count()


@dataclass(frozen=True)
class PickupPointLoad:
    point: PickupPoint
    open_orders: int
    ready_orders: int


def pickup_points_with_load() -> list[PickupPointLoad]:
    """Active pickup points with how many open and ready orders wait there, in one query."""
    is_ready = Case(None, [(Order.status == OrderStatus.READY, 1)], 0)
    rows = (
        PickupPoint.select(
            PickupPoint,
            fn.COUNT(Order.id).alias("open_orders"),
            fn.COALESCE(fn.SUM(is_ready), 0).alias("ready_orders"),
        )
        .join(
            Order,
            JOIN.LEFT_OUTER,
            on=(Order.pickup_point == PickupPoint.id) & Order.status.in_(OPEN_STATUSES),
        )
        .where(PickupPoint.active == True)  # noqa: E712
        .group_by(PickupPoint.id)
        .order_by(PickupPoint.id)
    )
    return [PickupPointLoad(row, int(row.open_orders), int(row.ready_orders)) for row in rows]


def _pickup_query(point: PickupPoint):
    """The point's orders with their customer and, as `paid`, the fen paid so far (a
    correlated subquery, so a whole list costs one query however long it is)."""
    return (
        Order.select(Order, Customer, paid_on(Order.id).alias("paid"))
        .join(Customer)
        .where(Order.pickup_point == point.id)
    )


def _with_lines(query) -> list[Order]:
    """Run `query` with the orders' lines prefetched; each open order gets `to_collect`, the
    fen still owed on it (after any part payment; 0 when paid, and on closed orders)."""
    orders = list(prefetch(query, OrderLine.select().order_by(OrderLine.id)))
    for order in orders:
        order.paid = int(order.paid or 0)
        is_open = order.status in OPEN_STATUSES
        order.to_collect = outstanding(order, order.paid) if is_open else 0
    return orders


def pickup_orders(point: PickupPoint, search: str = "") -> list[Order]:
    """The point's open orders, ready ones first, with customer, lines and `to_collect`.

    `search` is the last 4 digits of the customer's phone or an order number ("#10023").
    """
    ready_first = [(OrderStatus.READY, 0), (OrderStatus.PROCESSING, 1), (OrderStatus.CONFIRMED, 2)]
    readiness = Case(Order.status, ready_first, 3)
    query = (
        _pickup_query(point)
        .where(Order.status.in_(OPEN_STATUSES))
        .order_by(readiness, Order.number)
    )
    term = re.sub(r"[\s#]", "", search or "")
    if term:
        number = positive_id(term)
        if number is None:
            return []
        matches = Order.number == number
        if len(term) == 4:
            matches |= Customer.phone_last4 == term
        query = query.where(matches)
    return _with_lines(query)


def pickup_order(point: PickupPoint, number: int) -> Order | None:
    """One order of the point (any status), with customer, lines and `to_collect`, for its row."""
    found = _with_lines(_pickup_query(point).where(Order.number == number))
    return found[0] if found else None


class NotConfirmed(DomainError):
    message = _l("This order is still pending. Confirm it before handing it over.")


def hand_over(
    order: Order,
    actor: Actor,
    *,
    expected_version: int,
    note: str = "",
    collected: str | None = None,
) -> Order:
    """The customer collected `order`: it becomes `completed` (its stock leaves the shelf).

    A confirmed or processing order is walked forward through ready first, each step a
    lifecycle transition with its own timeline event, all in one transaction; the customer is
    told once, that it is completed (models/orders/lifecycle.py `walk_order`). A pending order
    is refused (NotConfirmed): the shop has not accepted it yet. StaleOrder when the order
    is no longer at `expected_version`; TransitionNotAllowed when it is closed.

    `collected` is the payment method (a METHODS key) when the customer paid what was still
    outstanding on handover: that payment is recorded first, in the same transaction, so a
    refused handover records no payment. Nothing outstanding: `collected` is ignored. The
    returned order's `collected` is the fen recorded (0 when none).
    """
    if collected is not None and collected not in METHODS:
        raise ValueError(f"unknown payment method {collected!r}")
    amount = 0
    with db.atomic():
        # A colleague's tap on the same order waits for this one, then finds a newer version.
        order = locked(Order.select().where(Order.id == order.id)).get()
        if order.version != expected_version:
            raise StaleOrder()
        if order.status == OrderStatus.PENDING:
            raise NotConfirmed()
        if collected is not None and outstanding(order, paid_so_far(order)) > 0:
            amount = record_payment(order, None, collected, actor, expected_version).amount
            order = Order.get_by_id(order.id)
        walk = order.status in HAND_OVER_PATH[:-1]
        steps = (
            HAND_OVER_PATH[HAND_OVER_PATH.index(order.status) + 1 :]
            if walk
            else (OrderStatus.COMPLETED,)
        )
        order = walk_order(order, steps, actor, expected_version=order.version, note=note)
    order.collected = amount
    return order
