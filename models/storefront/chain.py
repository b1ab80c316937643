"""The public 接龙 list of an activity: who joined, in order, with names masked."""

from dataclasses import dataclass

from peewee import JOIN

from models.customers.customer import Customer, mask_name
from models.orders.order import Order, OrderLine
from models.orders.status import OrderStatus


@dataclass(frozen=True)
class ChainEntry:
    position: int
    masked_name: str
    items: list[tuple[str, int]]  # (product name as sold, quantity)


@dataclass(frozen=True)
class Chain:
    entries: list[ChainEntry]  # one per order
    totals: list[tuple[str, int]]  # per item, in order of first appearance
    people: int  # distinct customers: one person ordering twice is one person

    @property
    def orders(self) -> int:
        return len(self.entries)


def chain_for(template_id: int) -> Chain:
    """Every order still standing, in order of joining, with its lines: one statement, so an
    order committing meanwhile is either wholly in the list or not at all."""
    rows = (
        Order.select(Order.id, Order.customer, Customer.name, OrderLine.name, OrderLine.quantity)
        .join(Customer)
        .switch(Order)
        .join(OrderLine, JOIN.LEFT_OUTER)
        .where((Order.template == template_id) & (Order.status != OrderStatus.CANCELLED))
        .order_by(Order.created_at, Order.id, OrderLine.id)
        .tuples()
    )
    orders: dict[int, tuple[str, list[tuple[str, int]]]] = {}
    customers: set[int] = set()
    totals: dict[str, int] = {}
    for order_id, customer_id, customer_name, line_name, quantity in rows:
        _, items = orders.setdefault(order_id, (customer_name, []))
        customers.add(customer_id)
        if line_name is not None:
            items.append((line_name, quantity))
            totals[line_name] = totals.get(line_name, 0) + quantity
    entries = [
        ChainEntry(position, mask_name(name), items)
        for position, (name, items) in enumerate(orders.values(), start=1)
    ]
    return Chain(entries=entries, totals=list(totals.items()), people=len(customers))
