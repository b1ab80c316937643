"""Paying an order online through a provider (models/payments/providers/): one provider order
(`OnlinePayment`, its unguessable `out_trade_no`) per attempt, and settling what the provider
says about it.

`start_checkout` asks the provider for a checkout for what the order still owes (the server's
total, never the client's), or gives back the open one a double tap already made: it locks the
order first. `settle` turns a paid provider order into one `Payment` (models/orders/payments.py
`record_payment`), however the news comes (the notification, the customer's return, a query,
all at once), carrying the provider, its transaction id and our trade number there, so a
refund of it goes back through the provider: the provider order leaves "open" or "closed" by a conditional update, and its
`transaction_id` is unique. What cannot be recorded is flagged for staff, an order event
"payment_flagged" with the reason: another amount than asked, an order cancelled meanwhile or
paid another way (the money has to go back), listed for staff (models/payments/flagged.py) until they
mark it handled. `close_open_checkouts` closes an order's provider
orders at the provider before the payment window's auto-cancel gives up on it
(models/automation/timed.py).
"""

import json
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from peewee import (
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    IntegrityError,
    TextField,
)

from models.activities.template import read_setting
from models.base import BaseModel, utcnow
from models.db import db, locked
from models.errors import DomainError
from models.orders.lifecycle import Actor, record_event
from models.orders.order import Order
from models.orders.payments import Payment, outstanding, paid_so_far, record_payment
from models.orders.status import OrderStatus, PaymentStatus
from models.payments.methods import online_providers_in
from models.payments.providers import app_providers
from models.payments.providers.base import (
    Charge,
    Checkout,
    CheckoutKind,
    Notification,
    NotificationKind,
    Provider,
    ProviderError,
    ProviderRefused,
    Scene,
    TradeStatus,
)

log = logging.getLogger(__name__)

OPEN, PAID, CLOSED, FLAGGED, HANDLED = "open", "paid", "closed", "flagged", "handled"
# Without a payment window (the form's auto-cancel of unpaid orders), a provider order lasts
# as long as WeChat Pay's own default.
DEFAULT_WINDOW = timedelta(hours=2)
WRONG_AMOUNT, ORDER_CANCELLED, ALREADY_PAID = "wrong_amount", "order_cancelled", "already_paid"
PROVIDER_NAMES = {"wechat": _l("WeChat Pay"), "alipay": _l("Alipay")}
WECHAT_H5_ORIGIN = "https://wx.tenpay.com"  # where WeChat Pay's H5 URLs lead


class OnlinePayment(BaseModel):
    order = ForeignKeyField(Order, backref="online_payments", on_delete="CASCADE")
    provider = CharField(max_length=16)  # "wechat", "alipay"
    out_trade_no = CharField(max_length=32, unique=True)
    amount = IntegerField()  # fen asked for: what the order owed
    scene = CharField(max_length=16)  # providers.base.Scene
    checkout_kind = CharField(max_length=16)  # providers.base.CheckoutKind
    checkout_url = TextField(default="")
    checkout_params = TextField(default="")  # JSON, for JSAPI
    status = CharField(max_length=16, default=OPEN)
    transaction_id = CharField(max_length=64, null=True, unique=True)  # the provider's
    paid_amount = IntegerField(null=True)
    payment = ForeignKeyField(Payment, null=True, on_delete="SET NULL")
    problem = CharField(max_length=32, default="")  # why it is flagged
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()

    class Meta:
        indexes = ((("order", "status"), False),)

    @property
    def checkout(self) -> Checkout:
        params = json.loads(self.checkout_params) if self.checkout_params else {}
        return Checkout(CheckoutKind(self.checkout_kind), self.checkout_url, params)


class CheckoutRefused(DomainError):
    message = _l("This order takes no online payment now.")


class GatewayDown(DomainError):
    message = _l(
        "The payment service is not answering right now. Try again in a moment, or pay another way."
    )


@dataclass(frozen=True)
class Settled:
    outcome: str  # "recorded", "flagged" or "duplicate"
    online: OnlinePayment


def providers() -> dict[str, Provider]:
    """The configured providers, built once per app (a WeChat client keeps its certificates),
    the same ones refunds go through."""
    return app_providers(current_app)


def wechat_pays_inside() -> bool:
    """WeChat Pay is configured for JSAPI inside WeChat (the app secret is set)."""
    wechat = providers().get("wechat")
    return bool(wechat and wechat.settings.jsapi)


def offered_providers(settings: dict | None) -> list[str]:
    """The providers a form's settings offer that the shop has configured, in METHODS order."""
    offered = online_providers_in(settings)
    if not offered:
        return []
    configured = providers()
    return [name for name in offered if name in configured]


def checkout_origins(names: list[str]) -> list[str]:
    """Where the checkout buttons of these providers send the browser (the page's CSP
    `form-action` must allow them): WeChat Pay's H5 page, the Alipay gateway."""
    origins = []
    for name in names:
        provider = providers()[name]
        urls = [WECHAT_H5_ORIGIN] if name == "wechat" else [provider.settings.gateway]
        if name == "wechat" and provider.settings.jsapi:
            urls.append(provider.settings.oauth_url)  # the sign-in inside WeChat
        for url in urls:
            parts = urlsplit(url)
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return origins


def online_method_problems(settings: dict) -> list:
    """Why a draft with these settings cannot be published (models/activities/publish_checks.py):
    it offers a provider whose keys are not set up."""
    offered = online_providers_in(settings)
    configured = providers() if offered else {}
    return [
        _l(
            "The form offers paying online by %(provider)s, but the shop has not set up its "
            "keys (docs/payments.md): leave it out, or set them up first.",
            provider=PROVIDER_NAMES[name],
        )
        for name in offered
        if name not in configured
    ]


def payable_online(order: Order) -> bool:
    return (
        order.status != OrderStatus.CANCELLED
        and order.payment_status == PaymentStatus.UNPAID
        and order.total > 0
        and bool(offered_providers(order.template_version.settings))
    )


def payment_deadline(order: Order) -> datetime:
    """When the order's provider orders expire: its form's payment window (auto-cancel of
    unpaid orders, after `auto_cancel_minutes`) from when it was placed, else DEFAULT_WINDOW
    from now."""
    settings = order.template_version.settings
    minutes = read_setting(settings, "auto_cancel_minutes")
    if read_setting(settings, "auto_cancel_unpaid") and isinstance(minutes, int) and minutes > 0:
        return order.created_at + timedelta(minutes=minutes)
    return utcnow() + DEFAULT_WINDOW


def open_checkout(order: Order) -> OnlinePayment | None:
    """The order's newest provider order still open and not expired."""
    return (
        OnlinePayment.select()
        .where(
            OnlinePayment.order == order.id,
            OnlinePayment.status == OPEN,
            OnlinePayment.expires_at > utcnow(),
        )
        .order_by(OnlinePayment.id.desc())
        .first()
    )


def start_checkout(
    order: Order,
    provider_name: str,
    scene: Scene,
    *,
    client_ip: str,
    return_url: str,
    openid: str = "",
) -> OnlinePayment:
    """A provider order for what `order` still owes: the open one for the same provider, scene
    and amount (a double tap), else a new one. Raises CheckoutRefused (nothing to pay, the form
    does not offer it, the window has passed) and GatewayDown (the provider did not answer or
    refused: nothing is kept)."""
    if provider_name not in offered_providers(order.template_version.settings):
        raise CheckoutRefused()
    provider = providers()[provider_name]
    with db.atomic():
        current = locked(Order.select().where(Order.id == order.id)).get()
        if not payable_online(current):
            raise CheckoutRefused()
        amount = outstanding(current, paid_so_far(current))
        expires_at = payment_deadline(current)
        if amount <= 0 or expires_at <= utcnow() + timedelta(minutes=1):
            raise CheckoutRefused()
        reused = open_checkout(current)
        if reused and (reused.provider, reused.scene, reused.amount) == (
            provider_name,
            scene,
            amount,
        ):
            return reused
        online = OnlinePayment(
            order=current.id,
            provider=provider_name,
            out_trade_no="JL" + secrets.token_hex(15),
            amount=amount,
            scene=scene,
            expires_at=expires_at,
        )
        charge = Charge(
            out_trade_no=online.out_trade_no,
            amount=amount,
            description=f"#{current.number} {current.template_version.title}"[:120],
            scene=scene,
            client_ip=client_ip,
            return_url=return_url,
            expires_at=expires_at.replace(tzinfo=UTC),
            openid=openid,
        )
        try:
            checkout = provider.create(charge)
        except ProviderError as error:
            log.warning("checkout for order %s failed: %s", current.id, error)
            raise GatewayDown() from error
        online.checkout_kind = checkout.kind
        online.checkout_url = checkout.url
        online.checkout_params = json.dumps(checkout.params) if checkout.params else ""
        online.save(force_insert=True)
        return online


def settle_notification(notification: Notification) -> Settled | None:
    """Settle what a verified payment notification says; None when it says nothing to act on
    (not a payment, not paid). Raises LookupError for a provider order that is not ours."""
    if notification.kind != NotificationKind.PAYMENT or not notification.paid:
        return None
    online = OnlinePayment.get_or_none(
        OnlinePayment.provider == notification.provider,
        OnlinePayment.out_trade_no == notification.out_trade_no,
    )
    if online is None:
        raise LookupError(f"no provider order {notification.out_trade_no}")
    return settle(online, notification.transaction_id, notification.total)


def settle(online: OnlinePayment, transaction_id: str, paid: int) -> Settled:
    """The provider says `online` was paid `paid` fen in `transaction_id`: record one payment,
    or flag it for staff; "duplicate" when it was settled already."""
    try:
        with db.atomic():
            order = locked(Order.select().where(Order.id == online.order_id)).get()
            problem = _problem(order, online, paid)
            settled = (
                OnlinePayment.update(
                    status=FLAGGED if problem else PAID,
                    transaction_id=transaction_id,
                    paid_amount=paid,
                    problem=problem,
                )
                .where(OnlinePayment.id == online.id, OnlinePayment.status.in_((OPEN, CLOSED)))
                .execute()
            )
            if settled != 1:
                return Settled("duplicate", OnlinePayment.get_by_id(online.id))
            if problem:
                record_event(
                    order,
                    Actor.system(),
                    kind="payment_flagged",
                    note=f"{paid} {online.provider} {problem}",
                )
                return Settled("flagged", OnlinePayment.get_by_id(online.id))
            payment = record_payment(
                order,
                online.amount,
                online.provider,
                Actor.system(),
                None,
                note=transaction_id,
            )
            Payment.update(
                provider=online.provider,
                provider_txn_id=transaction_id,
                provider_trade_no=online.out_trade_no,
            ).where(Payment.id == payment.id).execute()
            OnlinePayment.update(payment=payment.id).where(OnlinePayment.id == online.id).execute()
            return Settled("recorded", OnlinePayment.get_by_id(online.id))
    except IntegrityError:  # the same transaction settled at once through another order row
        return Settled("duplicate", OnlinePayment.get_by_id(online.id))


def _problem(order: Order, online: OnlinePayment, paid: int) -> str:
    if paid != online.amount:
        return WRONG_AMOUNT
    if order.status == OrderStatus.CANCELLED:
        return ORDER_CANCELLED
    if outstanding(order, paid_so_far(order)) < online.amount:
        return ALREADY_PAID
    return ""


def check_paid(order: Order) -> list[Settled]:
    """Ask the provider about the order's open provider orders (the customer is back from
    paying) and settle the paid ones; a provider that does not answer is asked no further
    (its notification will come)."""
    settled = []
    for online in OnlinePayment.select().where(
        OnlinePayment.order == order.id, OnlinePayment.status == OPEN
    ):
        provider = providers().get(online.provider)
        try:
            state = provider.query(online.out_trade_no) if provider else None
        except ProviderError as error:
            log.info("query of %s failed: %s", online.out_trade_no, error)
            continue
        if state and state.status == TradeStatus.PAID:
            settled.append(settle(online, state.transaction_id, state.amount))
    return settled


def close_open_checkouts(order: Order) -> bool:
    """Close the order's open provider orders at their providers, before the order is given up
    on; False when one was paid meanwhile (settled now) or a provider did not answer (try
    later), so the order must not be cancelled yet."""
    for online in OnlinePayment.select().where(
        OnlinePayment.order == order.id, OnlinePayment.status == OPEN
    ):
        provider = providers().get(online.provider)
        if provider is None:  # its keys were taken away: nothing can be paid there any more
            _mark_closed(online)
            continue
        try:
            provider.close(online.out_trade_no)
        except ProviderRefused:  # paid already (ORDERPAID, ACQ.TRADE_STATUS_ERROR)?
            if _settled_by_query(provider, online):
                return False
        except ProviderError as error:
            log.info("closing %s failed: %s", online.out_trade_no, error)
            return False
        _mark_closed(online)
    return True


def _settled_by_query(provider: Provider, online: OnlinePayment) -> bool:
    try:
        state = provider.query(online.out_trade_no)
    except ProviderError:
        return True  # unknown: not now
    if state.status in (TradeStatus.PAID, TradeStatus.REFUNDED):
        settle(online, state.transaction_id, state.amount)
        return True
    return False


def _mark_closed(online: OnlinePayment) -> None:
    OnlinePayment.update(status=CLOSED).where(
        OnlinePayment.id == online.id, OnlinePayment.status == OPEN
    ).execute()
