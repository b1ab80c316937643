"""What conditions and actions look at: a plain snapshot of an order, taken in five queries."""

from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import ClassVar

from peewee import fn

from models.customers.customer import Customer
from models.customers.tier import CustomerTier
from models.delivery.dispatch import PICKUP, delivery_methods
from models.orders.order import Order, OrderLine
from models.shop_time import shop_zone


@dataclass(frozen=True)
class OrderSnapshot:
    """What conditions and actions look at: plain values, no database."""

    subject: ClassVar[str] = "order"

    order_id: int
    version: int  # the order's version: actions apply only if nobody changed it meanwhile
    template_id: int
    status: str
    total: int  # fen
    quantity: int  # items over all lines
    answers: dict
    pickup_point_id: int | None
    assignee_id: int | None
    customer_tags: tuple[str, ...]
    moment: time  # the shop's time of day the rule looks at (the event's, or now)
    zone_id: int | None = None  # the delivery zone (models/delivery/dispatch.py)
    method: str = PICKUP  # pickup, own (the shop's couriers) or express
    tier_id: int | None = None  # the customer's tier (models/customers/tier.py)
    tier_rank: int | None = None  # its rank
    tier_ranks: tuple[tuple[int, int], ...] = ()  # (id, rank) of every tier, for "at least"


def shop_clock(at: datetime) -> time:
    """A stored UTC moment as the shop's time of day, to the minute."""
    local = at.replace(tzinfo=UTC).astimezone(shop_zone())
    return local.time().replace(second=0, microsecond=0, tzinfo=None)


def snapshots(orders: list[Order], at: datetime | None = None) -> dict[int, OrderSnapshot]:
    """{order id: snapshot} in five queries; `at` is the moment rules look at (None: each
    order's placing time, as Try it shows)."""
    if not orders:
        return {}
    ids = [order.id for order in orders]
    counts = dict(
        OrderLine.select(OrderLine.order, fn.SUM(OrderLine.quantity))
        .where(OrderLine.order.in_(ids))
        .group_by(OrderLine.order)
        .tuples()
    )
    customer_ids = {order.customer_id for order in orders}
    tags, tiers = {}, {}
    query = Customer.select(Customer.id, Customer.tags, Customer.tier)
    for customer_id, customer_tags, tier_id in query.where(Customer.id.in_(customer_ids)).tuples():
        tags[customer_id], tiers[customer_id] = customer_tags, tier_id
    ranks = tuple(CustomerTier.select(CustomerTier.id, CustomerTier.rank).tuples())
    deliveries = delivery_methods(orders)
    return {
        order.id: OrderSnapshot(
            order_id=order.id,
            version=order.version,
            template_id=order.template_id,
            status=order.status,
            total=order.total,
            quantity=int(counts.get(order.id) or 0),
            answers=order.answers or {},
            pickup_point_id=order.pickup_point_id,
            assignee_id=order.assignee_id,
            customer_tags=tuple(tags.get(order.customer_id) or ()),
            moment=shop_clock(at or order.created_at),
            zone_id=deliveries[order.id][0],
            method=deliveries[order.id][1],
            tier_id=tiers.get(order.customer_id),
            tier_rank=dict(ranks).get(tiers.get(order.customer_id)),
            tier_ranks=ranks,
        )
        for order in orders
    }


def snapshot_of(order: Order, at: datetime) -> OrderSnapshot:
    return snapshots([order], at)[order.id]
