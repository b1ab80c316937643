"""Giving an order to a staff member."""

from models.db import db
from models.lifecycle import Actor, bump_version, record_event
from models.order import Order
from models.user import User


def assign_order(
    order: Order, assignee: User | None, actor: Actor, *, expected_version: int | None = None
) -> Order:
    """Make `assignee` (None: nobody) responsible for `order`; StaleOrder if it changed meanwhile."""
    expected = order.version if expected_version is None else expected_version
    with db.atomic():
        bump_version(order, expected, assignee=assignee)
        record_event(order, actor, kind="assigned", note=assignee.name if assignee else "")
    return Order.get_by_id(order.id)
