"""Money that moved in Jielong, read for the settlement: payments received and refunds paid
back, each with its order, method, amount and time. The settlement report sums them per shop
day; a provider's bill is matched against them (models/reports/reconcile.py).

A payment names the provider's transaction when the payment row has a `provider_txn_id` column
(online payments); otherwise its note is all it has (staff may have typed the transaction
number there). A refund is today a "refunded" event on the order, which refunds all its
payments: its money per method is what the order was paid by each.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from models.orders.order import Order, OrderEvent
from models.orders.payments import Payment
from models.payments.refunds import SUCCEEDED, Refund

PROVIDER_TXN = Payment._meta.fields.get("provider_txn_id")


@dataclass(frozen=True)
class Money:
    kind: str  # "payment" or "refund"
    key: int  # the Payment's or Refund's id (minus a whole-order refund event's id)
    order_id: int
    order_number: int
    method: str
    amount: int  # fen, positive
    at: datetime  # naive UTC
    reference: str  # the provider's transaction id, a payment's note, our refund number


def payments_between(start: datetime, end: datetime, method: str | None = None) -> list[Money]:
    """Payments recorded in [start, end) (naive UTC), of `method` if given."""
    columns = [Payment.id, Payment.order, Order.number, Payment.method, Payment.amount]
    columns += [Payment.created_at, PROVIDER_TXN or Payment.note]
    query = (
        Payment.select(*columns)
        .join(Order, on=(Payment.order == Order.id))
        .where(Payment.created_at >= start, Payment.created_at < end)
        .order_by(Payment.created_at, Payment.id)
    )
    if method:
        query = query.where(Payment.method == method)
    return [Money("payment", *row[:6], row[6] or "") for row in query.tuples()]


def refunds_between(start: datetime, end: datetime, method: str | None = None) -> list[Money]:
    """Refunds that went through in [start, end), of `method` (or that provider) if given: each
    succeeded `Refund` at its settling time, its reference our refund number at the provider
    (the bill's 商户退款单号); and each whole-order "Mark refunded" of an order without refund
    rows (models/orders/payments.py `refund_order`), one per method it was paid by."""
    query = (
        Refund.select(
            Refund.id,
            Refund.order,
            Order.number,
            Refund.method,
            Refund.amount,
            Refund.settled_at,
            Refund.out_refund_no,
        )
        .join(Order, on=(Refund.order == Order.id))
        .where(
            Refund.status == SUCCEEDED,
            Refund.settled_at >= start,
            Refund.settled_at < end,
            Refund.online_payment.is_null(),  # a flagged payment's: never in the books
        )
        .order_by(Refund.settled_at, Refund.id)
    )
    if method:
        query = query.where((Refund.method == method) | (Refund.provider == method))
    found = [Money("refund", *row) for row in query.tuples()]
    return sorted(found + _marked_refunded(start, end, method), key=lambda m: (m.at, m.key))


def _marked_refunded(start: datetime, end: datetime, method: str | None) -> list[Money]:
    """Whole-order refunds marked by staff, as the order's payments per method (their key is
    the event's id, negative, apart from the refunds' ids)."""
    with_rows = Refund.select(Refund.order)
    events = list(
        OrderEvent.select(OrderEvent.id, OrderEvent.order, Order.number, OrderEvent.created_at)
        .join(Order, on=(OrderEvent.order == Order.id))
        .where(
            OrderEvent.kind == "refunded",
            OrderEvent.created_at >= start,
            OrderEvent.created_at < end,
            OrderEvent.order.not_in(with_rows),
        )
        .order_by(OrderEvent.created_at, OrderEvent.id)
        .tuples()
    )
    paid = defaultdict(lambda: defaultdict(int))  # order -> method -> fen
    if events:
        query = Payment.select(Payment.order, Payment.method, Payment.amount).where(
            Payment.order.in_({order_id for _, order_id, _, _ in events})
        )
        for order_id, paid_by, amount in query.tuples():
            paid[order_id][paid_by] += amount
    return [
        Money("refund", -key, order_id, number, paid_by, amount, at, "")
        for key, order_id, number, at in events
        for paid_by, amount in sorted(paid[order_id].items())
        if amount and (method is None or paid_by == method)
    ]
