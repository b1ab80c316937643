"""Read-side queries the staff pages share."""

from peewee import JOIN, fn

from models.customer import Customer
from models.form_template import FormTemplate
from models.order import STATUSES, Order
from models.pickup import PickupPoint


def recent_orders(limit: int = 50):
    """The newest orders with customer, activity and pickup point, in one query."""
    return (
        Order.select(Order, Customer, FormTemplate, PickupPoint)
        .join(Customer)
        .switch(Order)
        .join(FormTemplate)
        .switch(Order)
        .join(PickupPoint, JOIN.LEFT_OUTER)
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(limit)
    )


def status_counts() -> dict[str, int]:
    """How many orders are in each status, zero included."""
    counts = dict.fromkeys(STATUSES, 0)
    rows = Order.select(Order.status, fn.COUNT(Order.id)).group_by(Order.status).tuples()
    counts.update(dict(rows))
    return counts
