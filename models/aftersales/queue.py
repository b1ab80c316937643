"""Staff's after-sales queue: the cases by status and kind, oldest open first, with counts."""

from datetime import timedelta

from peewee import fn

from models.aftersales.case import AfterSalesCase, CaseStatus
from models.aftersales.lifecycle import FINISHED
from models.base import utcnow
from models.customers.customer import Customer
from models.orders.order import Order

OPEN = [status for status in CaseStatus if status not in FINISHED]


def queue(*, status: str = "", kind: str = "", older_than_hours: int | None = None, limit=200):
    """Cases, open ones by default (`status` "all": every one), oldest first."""
    query = (
        AfterSalesCase.select(AfterSalesCase, Order, Customer)
        .join(Order)
        .join(Customer)
        .order_by(AfterSalesCase.created_at, AfterSalesCase.id)
        .limit(limit)
    )
    if status in CaseStatus.__members__.values():
        query = query.where(AfterSalesCase.status == status)
    elif status != "all":
        query = query.where(AfterSalesCase.status.in_(OPEN))
    if kind:
        query = query.where(AfterSalesCase.kind == kind)
    if older_than_hours:
        query = query.where(
            AfterSalesCase.created_at < utcnow() - timedelta(hours=older_than_hours)
        )
    return list(query)


def counts() -> dict[str, int]:
    """Cases per status."""
    rows = AfterSalesCase.select(AfterSalesCase.status, fn.COUNT(AfterSalesCase.id)).group_by(
        AfterSalesCase.status
    )
    return {status: count for status, count in rows.tuples()}
