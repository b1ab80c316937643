"""What the rules of the trigger "after-sales requested" look at: a plain snapshot of a case,
taken in three queries."""

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from peewee import fn

from models.aftersales.case import AfterSalesCase, CaseLine, CaseStatus
from models.orders.order import Order, OrderLine


@dataclass(frozen=True)
class CaseSnapshot:
    """What case conditions and actions look at: plain values, no database."""

    subject: ClassVar[str] = "case"

    case_id: int
    order_id: int
    version: int  # the case's version: actions apply only if nobody changed it meanwhile
    kind: str  # CaseKind
    status: str  # CaseStatus
    amount: int  # fen asked about: the case's units at their order price
    assignee_id: int | None
    opened_at: datetime
    earlier: tuple[datetime, ...] = ()  # when the customer's earlier cases were opened


def case_snapshots(cases: list[AfterSalesCase]) -> dict[int, CaseSnapshot]:
    """{case id: snapshot}. `earlier`: the same customer's other cases opened before it, any
    status but withdrawn (cancelled)."""
    if not cases:
        return {}
    ids = [case.id for case in cases]
    amounts = dict(
        CaseLine.select(CaseLine.case, fn.SUM(CaseLine.quantity * OrderLine.unit_price))
        .join(OrderLine)
        .where(CaseLine.case.in_(ids))
        .group_by(CaseLine.case)
        .tuples()
    )
    customer_of = dict(
        AfterSalesCase.select(AfterSalesCase.id, Order.customer)
        .join(Order)
        .where(AfterSalesCase.id.in_(ids))
        .tuples()
    )
    history: dict[int, list[tuple[int, datetime]]] = {}
    for customer_id, case_id, opened in (
        AfterSalesCase.select(Order.customer, AfterSalesCase.id, AfterSalesCase.created_at)
        .join(Order)
        .where(
            Order.customer.in_(set(customer_of.values())),
            AfterSalesCase.status != CaseStatus.CANCELLED,
        )
        .tuples()
    ):
        history.setdefault(customer_id, []).append((case_id, opened))
    return {
        case.id: CaseSnapshot(
            case_id=case.id,
            order_id=case.order_id,
            version=case.version,
            kind=case.kind,
            status=case.status,
            amount=int(amounts.get(case.id) or 0),
            assignee_id=case.assignee_id,
            opened_at=case.created_at,
            earlier=tuple(
                opened
                for other, opened in history.get(customer_of[case.id], ())
                if other != case.id and (opened, other) < (case.created_at, case.id)
            ),
        )
        for case in cases
    }


def case_snapshot_of(case: AfterSalesCase) -> CaseSnapshot:
    return case_snapshots([case])[case.id]
