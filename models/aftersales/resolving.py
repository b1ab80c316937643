"""Resolving a case by money: the refund of its units through models/payments/refunds.py."""

from models.aftersales.case import AfterSalesCase, CaseLine
from models.aftersales.lifecycle import REFUNDED, StaleCase, transition_case
from models.db import db
from models.orders.lifecycle import Actor
from models.payments.refunds import Refund, request_refund


def refund_case(
    case: AfterSalesCase, actor: Actor, *, method: str, expected_version: int | None = None
) -> Refund:
    """Refund the price of the case's units (`request_refund`: never above what was paid, by the
    provider or by hand) and move the case to refunded, in one transaction. The goods are not
    restocked by the refund: receiving them did that, once (lifecycle.transition_case).

    Raises what request_refund and transition_case raise; nothing is written then."""
    expected = case.version if expected_version is None else expected_version
    with db.atomic():
        if AfterSalesCase.get_by_id(case.id).version != expected:
            raise StaleCase()
        units = {
            line.line_id: line.quantity
            for line in CaseLine.select().where(CaseLine.case == case.id)
        }
        refund = request_refund(
            case.order,
            actor,
            method=method,
            quantities=units,
            reason=f"After-sales {case.code} {case.kind_label}",
        )
        transition_case(case, REFUNDED, actor, expected_version=expected)
    return refund
