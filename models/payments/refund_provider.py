"""Refunds through the provider a payment came by (docs/payments.md, "Refunds").

`send_refund` runs after `request_refund` committed, never inside its transaction (no lock
is held over the network): Alipay answers at once, succeeded or refused; WeChat Pay says
"processing" and tells the outcome later by a refund notification (`on_refund_notification`,
from POST /pay/refund-notify/wechat). A refusal fails the refund, with the gateway's words
kept for staff; a gateway that does not answer leaves it requested (its notification, or
staff asking again, settles it).
"""

import logging

from models.payments.providers.base import (
    Notification,
    NotificationKind,
    Provider,
    ProviderRefused,
    ProviderTimeout,
    RefundStatus,
)
from models.payments.refunds import REQUESTED, Refund, settle_refund

log = logging.getLogger(__name__)


def send_refund(refund: Refund, providers: dict[str, Provider]) -> Refund:
    """Ask the refund's provider to pay it back; the refund as it is after the answer."""
    if refund.status != REQUESTED or not refund.provider:
        return refund
    provider = providers.get(refund.provider)
    if provider is None:
        settle_refund(refund.id, False, failure=f"{refund.provider} is not configured")
        return Refund.get_by_id(refund.id)
    trade_no, total = _trade_of(refund)
    try:
        state = provider.refund(trade_no, refund.out_refund_no, refund.amount, total)
    except ProviderTimeout as error:
        log.warning("refund %s: %s; waiting for the notification", refund.out_refund_no, error)
        return Refund.get_by_id(refund.id)
    except ProviderRefused as error:
        settle_refund(refund.id, False, failure=f"{error.code} {error}".strip())
        return Refund.get_by_id(refund.id)
    if state.status != RefundStatus.PROCESSING:
        settle_refund(refund.id, state.status == RefundStatus.SUCCEEDED, state.refund_id)
    elif state.refund_id:
        Refund.update(provider_refund_id=state.refund_id).where(Refund.id == refund.id).execute()
    return Refund.get_by_id(refund.id)


def _trade_of(refund: Refund) -> tuple[str, int]:
    """Our trade number at the provider and what it was paid: the payment's, or the flagged
    provider order's (models/payments/flagged_refunds.py)."""
    if refund.online_payment_id:
        online = refund.online_payment
        return online.out_trade_no, online.paid_amount or 0
    return refund.payment.provider_trade_no or "", refund.payment.amount


def on_refund_notification(notification: Notification) -> bool:
    """Settle the refund a verified refund notification is about; False for one we do not
    know (another shop's, or not ours). A notification delivered again changes nothing."""
    if notification.kind != NotificationKind.REFUND or not notification.out_refund_no:
        return False
    refund = Refund.get_or_none(
        Refund.out_refund_no == notification.out_refund_no,
        Refund.provider == notification.provider,
    )
    if refund is None:
        return False
    if notification.refund_status == RefundStatus.PROCESSING:
        return True
    succeeded = notification.refund_status == RefundStatus.SUCCEEDED
    if succeeded and notification.amount and notification.amount != refund.amount:
        log.warning("refund %s: notified %s fen", refund.out_refund_no, notification.amount)
        succeeded = False
    settle_refund(refund.id, succeeded, failure="" if succeeded else "refund notification")
    return True
