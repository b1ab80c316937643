"""Customers as the API shows them (`customers:read`), in keyset pages by id, with how many
orders each placed. An erased customer (docs/operations.md, "Personal data") shows what erasure
left: the phone `erased-<id>`."""

from peewee import JOIN, fn

from models.customers.customer import Customer
from models.orders.order import Order


def _with_orders():
    return (
        Customer.select(Customer, fn.COUNT(Order.id).alias("orders"))
        .join(Order, JOIN.LEFT_OUTER, on=(Order.customer == Customer.id))
        .group_by(Customer.id)
    )


def customer_json(customer: Customer) -> dict:
    return {
        "id": customer.id,
        "name": customer.name,
        "phone": customer.phone,
        "tags": list(customer.tags or []),
        "orders": int(getattr(customer, "orders", 0)),
        "created_at": customer.created_at.isoformat() + "Z",
    }


def customers_after(after: int, limit: int) -> tuple[list[dict], int | None]:
    """Up to `limit` customers with ids above `after`, and the next page's `after` (or None)."""
    rows = list(_with_orders().where(Customer.id > after).order_by(Customer.id).limit(limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    return [customer_json(c) for c in rows], (rows[-1].id if more else None)


def customer_by_id(customer_id: int) -> dict | None:
    found = _with_orders().where(Customer.id == customer_id).first()
    return customer_json(found) if found else None
