"""Read-side queries of the order detail page: the order, its timeline, its customer's history
(order count and spend, which the customers directory shows too)."""

from dataclasses import dataclass
from datetime import datetime

from peewee import JOIN, SQL, Case, fn

from models.accounts.user import STAFF_ROLES, User
from models.activities.pickup import PickupPoint
from models.activities.template import FormTemplate, FormTemplateVersion
from models.customers.customer import Customer
from models.orders.order import Order, OrderEvent, OrderLine
from models.orders.status import OrderStatus


def order_by_number(number: int) -> Order | None:
    """The order with its customer, activity, version, pickup point and assignee, in one query."""
    return (
        Order.select(Order, Customer, FormTemplate, FormTemplateVersion, PickupPoint, User)
        .join(Customer)
        .switch(Order)
        .join(FormTemplate)
        .switch(Order)
        .join(FormTemplateVersion)
        .switch(Order)
        .join(PickupPoint, JOIN.LEFT_OUTER)
        .switch(Order)
        .join(User, JOIN.LEFT_OUTER, on=(Order.assignee == User.id))
        .where(Order.number == number)
        .first()
    )


def lines_of(order: Order) -> list[OrderLine]:
    return list(order.lines.order_by(OrderLine.id))


def timeline_of(order: Order) -> list[OrderEvent]:
    """Every event of the order with the staff member who made it, newest first."""
    return list(
        OrderEvent.select(OrderEvent, User)
        .join(User, JOIN.LEFT_OUTER)
        .where(OrderEvent.order == order.id)
        .order_by(OrderEvent.created_at.desc(), OrderEvent.id.desc())
    )


@dataclass(frozen=True)
class CustomerTotals:
    order_count: int  # every order, cancelled ones too
    total_spent: int  # fen, cancelled orders left out
    last_order_at: datetime | None


NO_ORDERS = CustomerTotals(0, 0, None)


def customer_totals(customer_ids) -> dict[int, CustomerTotals]:
    """Each customer's order count, spend and latest order, in one grouped query over their
    orders only (the customer_id index). The one definition of what the card shows."""
    ids = list(customer_ids)
    if not ids:
        return {}
    spent = fn.SUM(Case(None, [(Order.status != OrderStatus.CANCELLED, Order.total)], 0))
    query = (
        Order.select(Order.customer, fn.COUNT(SQL("*")), spent, fn.MAX(Order.created_at))
        .where(Order.customer.in_(ids))
        .group_by(Order.customer)
    )
    return {
        customer_id: CustomerTotals(count, int(total or 0), Order.created_at.python_value(last))
        for customer_id, count, total, last in query.tuples()
    }


@dataclass(frozen=True)
class CustomerHistory:
    totals: CustomerTotals  # order count and spend, as the customers directory shows them
    recent: list[Order]


def customer_history(customer: Customer, recent: int = 5) -> CustomerHistory:
    """What the customer card shows: order count and spend, and the latest orders."""
    totals = customer_totals([customer.id]).get(customer.id, NO_ORDERS)
    latest = (
        Order.select(Order, FormTemplate)
        .join(FormTemplate)
        .where(Order.customer == customer.id)
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(recent)
    )
    return CustomerHistory(totals, list(latest))


def staff_members() -> list[User]:
    """Who an order can be assigned to: active staff and admins, by name."""
    active_staff = (User.active == True) & User.role.in_(STAFF_ROLES)  # noqa: E712
    return list(User.select().where(active_staff).order_by(User.name))
