"""Money back online when the group decides it (docs/group-buy.md): a group that did not form
refunds each cancelled order's online payments, a group price lowered at the deadline refunds
the difference of an order paid online.

`refund_online` runs inside the change's own transaction (the cancellation, the repricing):
the refunds (`requested`, models/payments/shop_refunds.py) and one outbox row each commit
with it or not at all. The worker sends each refund after the commit (`send_planned_refund`,
the outbox kind's `prepare`, outside any transaction); a worker killed before or during the
call leaves the row to be claimed again, and the refund goes again under the same refund
number (out_refund_no), which the provider pays once. The provider's answer or its
notification settles it (models/payments/refund_provider.py).
"""

from flask import current_app

from models.messaging.outbox import Outbox, add_work
from models.orders.order import Order
from models.payments.providers import app_providers
from models.payments.refund_provider import send_refund
from models.payments.refunds import REQUESTED, Refund
from models.payments.shop_refunds import refund_online_payments

KIND = "group_refund"


class RefundNotSent(Exception):
    """The provider did not take the refund yet (no answer): ask again later."""


def refund_online(order: Order, amount: int, reason: str) -> list[Refund]:
    """Inside the caller's transaction: ask for up to `amount` fen of `order`'s online payments
    back and plan sending each refund after the commit."""
    refunds = refund_online_payments(order, amount, reason)
    for refund in refunds:
        add_work(KIND, f"{KIND}:{refund.id}", {"refund": refund.id})
    return refunds


def send_planned_refund(item: Outbox) -> None:
    """The outbox kind's `prepare`: send the refund to its provider; raise to be retried when
    the provider did not answer."""
    refund = Refund.get_or_none(Refund.id == item.payload["refund"])
    if refund is None:
        return
    sent = send_refund(refund, app_providers(current_app))
    if sent.status == REQUESTED and not sent.provider_refund_id:
        raise RefundNotSent(f"refund {sent.out_refund_no}: no answer from {sent.provider}")
