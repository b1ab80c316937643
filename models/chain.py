"""The public 接龙 list of an activity: who joined, in order, with names masked."""

from dataclasses import dataclass

from peewee import fn

from models.customer import Customer, mask_name
from models.order import Order, OrderLine


@dataclass(frozen=True)
class ChainEntry:
    position: int
    masked_name: str
    items: list[tuple[str, int]]  # (product name as sold, quantity)


@dataclass(frozen=True)
class Chain:
    entries: list[ChainEntry]
    totals: list[tuple[str, int]]  # per item, in order of first appearance

    @property
    def participants(self) -> int:
        return len(self.entries)


def _joined(template_id: int):
    return (Order.template == template_id) & (Order.status != "cancelled")


def chain_stamp(template_id: int) -> str:
    """Changes whenever the list would: an order placed, edited or cancelled. One query."""
    count, last = (
        Order.select(fn.COUNT(Order.id), fn.MAX(Order.updated_at))
        .where(Order.template == template_id)
        .tuples()
        .get()
    )
    return f"{count}-{last:%Y%m%d%H%M%S%f}" if last else "0"


def chain_for(template_id: int) -> Chain:
    """Every order still standing, in order of joining; two queries."""
    orders = list(
        Order.select(Order.id, Customer.name)
        .join(Customer)
        .where(_joined(template_id))
        .order_by(Order.created_at, Order.id)
        .tuples()
    )
    items: dict[int, list[tuple[str, int]]] = {order_id: [] for order_id, _ in orders}
    totals: dict[str, int] = {}
    lines = (
        OrderLine.select(OrderLine.order, OrderLine.name, OrderLine.quantity)
        .join(Order)
        .where(_joined(template_id))
        .order_by(OrderLine.id)
        .tuples()
    )
    for order_id, name, quantity in lines:
        items[order_id].append((name, quantity))
        totals[name] = totals.get(name, 0) + quantity
    entries = [
        ChainEntry(position, mask_name(name), items[order_id])
        for position, (order_id, name) in enumerate(orders, start=1)
    ]
    return Chain(entries=entries, totals=list(totals.items()))
