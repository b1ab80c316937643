"""A customer's receipt of an order (GET /o/<token>/receipt): what was bought, each payment
and each refund that went through, and what that leaves paid. Offered once something was
paid (`has_receipt`)."""

from dataclasses import dataclass
from datetime import datetime

from models.orders.order import Order, OrderLine
from models.orders.payments import METHODS, Payment, paid_so_far
from models.payments.refunds import SUCCEEDED, Refund


@dataclass(frozen=True)
class ReceiptEntry:
    amount: int  # fen
    method: str  # its words
    at: datetime  # UTC


@dataclass(frozen=True)
class Receipt:
    order: Order
    lines: list[OrderLine]
    payments: list[ReceiptEntry]  # oldest first
    refunds: list[ReceiptEntry]  # the ones that went through, oldest first
    paid: int
    refunded: int

    @property
    def kept(self) -> int:
        """What the shop kept: paid less refunded."""
        return self.paid - self.refunded


def has_receipt(order: Order) -> bool:
    return paid_so_far(order) > 0


def receipt_of(order: Order) -> Receipt:
    payments = [
        ReceiptEntry(p.amount, str(METHODS.get(p.method, p.method)), p.created_at)
        for p in Payment.select()
        .where(Payment.order == order.id)
        .order_by(Payment.created_at, Payment.id)
    ]
    refunds = [
        ReceiptEntry(r.amount, str(r.method_label), r.settled_at or r.created_at)
        for r in Refund.select()
        .where(Refund.order == order.id, Refund.status == SUCCEEDED)
        .order_by(Refund.created_at, Refund.id)
    ]
    return Receipt(
        order,
        list(order.lines.order_by(OrderLine.id)),
        payments,
        refunds,
        sum(p.amount for p in payments),
        sum(r.amount for r in refunds),
    )
