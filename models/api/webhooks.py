"""Webhooks: an endpoint (a URL, a secret and the events it wants) receives a signed POST for
each event it chose.

- **Written with the change**: the `order_changed` subscriber `plan_webhooks` writes one
  `WebhookDelivery` per endpoint and event, with the payload as the order was then, in the
  change's transaction, and an outbox row that queues its sending once committed. So does
  `plan_stock_low` for `stock.low`: a product's available units (on hand less what open orders
  hold) in a warehouse fall to STOCK_LOW_UNITS or below, from above, by an order placed or a
  change by hand (the `stock_moved` signal).
- **Signed**: `X-Jielong-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the
  secret>`; receivers check it with `verify_signature`, refusing a time outside the replay window.
- **Delivered at least once, recognisably**: a delivery is leased like an outbox row (claimed
  by one worker at a time, retried with growing pauses, failed after OUTBOX_MAX_ATTEMPTS), and
  every try carries the same `X-Jielong-Event-Id`, so a receiver drops a repeat. A 2xx answer
  marks it delivered; any other answer or no answer is retried. Admins send one again from the
  delivery log.
- **In order, per endpoint**: only an endpoint's first open delivery is due (`_due`), so its
  events arrive one at a time in the order they were written, and a worker that delivered one
  goes on with the next (`send_in_order`). A retried or leased event holds back the later ones
  until it is delivered or failed; a consumer killed mid-send leaves its lease to run out, and
  the next worker sends that event again (same id) before any later one.
"""

import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
import uuid

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    JSONField,
    TextField,
    fn,
)

from models.api.orders import order_json
from models.audit.log import record
from models.base import BaseModel, utcnow
from models.catalog.products import Stock
from models.config_cache import kept
from models.db import db
from models.errors import DomainError
from models.messaging.outbox import Leased, add_work
from models.orders.payments import Payment

EVENTS = {
    "order.created": _l("An order is placed"),
    "order.status_changed": _l("An order's status changes"),
    "payment.recorded": _l("A payment is recorded"),
    "stock.low": _l("A product's stock runs low"),
}
EVENT_OF_KIND = {
    "created": "order.created",
    "status": "order.status_changed",
    "payment": "payment.recorded",
}
REPLAY_WINDOW_SECONDS = 300
DEFAULT_LOW_UNITS = 5  # STOCK_LOW_UNITS outside an app (config.py has the same default)
TIMEOUT_SECONDS = 10
WORK_KIND = "webhook"


class WebhookEndpoint(BaseModel):
    url = CharField(max_length=500)
    secret = CharField(max_length=64)
    events = JSONField(default=list)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "webhook_endpoint"


class WebhookDelivery(Leased):
    endpoint = ForeignKeyField(WebhookEndpoint, backref="deliveries", on_delete="CASCADE")
    event_id = CharField(max_length=36, unique=True)
    event = CharField(max_length=40)
    payload = JSONField()
    response_code = IntegerField(null=True)
    delivered_at = DateTimeField(null=True)
    last_response = TextField(default="")

    class Meta:
        table_name = "webhook_delivery"
        indexes = ((("status", "available_at"), False), (("endpoint", "id"), False))

    @classmethod
    def _due(cls, now):
        """Due as any leased row, and the first open one of its endpoint: an endpoint's events
        go one at a time, in the order they were written (a later one waits while an earlier
        one is sent, retried or leased to a worker that may have died)."""
        heads = cls.select(fn.MIN(cls.id)).where(cls.status == cls.OPEN).group_by(cls.endpoint)
        return super()._due(now) & cls.id.in_(heads)

    def next_of_endpoint(self) -> "WebhookDelivery | None":
        """The endpoint's first open delivery after this one, if it is due now."""
        model = type(self)
        return (
            model.select(model.id)
            .where(model.endpoint == self.endpoint_id, model.id > self.id, model._due(utcnow()))
            .order_by(model.id)
            .first()
        )


class BadEndpoint(DomainError):
    message = _l("Enter an http:// or https:// address and choose at least one event.")


def add_endpoint(url: str, events: list[str]) -> WebhookEndpoint:
    url = url.strip()
    if not url.startswith(("http://", "https://")) or not events or set(events) - set(EVENTS):
        raise BadEndpoint()
    with db.atomic():
        endpoint = WebhookEndpoint.create(
            url=url[:500], secret=secrets.token_hex(32), events=sorted(events)
        )
        record(
            "webhook.created", f"{endpoint.url} #{endpoint.id}", after={"events": endpoint.events}
        )
    return endpoint


def remove_endpoint(endpoint_id: int) -> None:
    """Stop sending to the endpoint (its delivery log stays)."""
    with db.atomic():
        if WebhookEndpoint.update(active=False).where(WebhookEndpoint.id == endpoint_id).execute():
            record("webhook.removed", f"#{endpoint_id}")


def _active_endpoints(name: str) -> list[WebhookEndpoint]:
    """The endpoints in use that want event `name` (kept between changes to the endpoints)."""
    active = kept(
        ("webhook endpoints",),
        lambda: list(WebhookEndpoint.select().where(WebhookEndpoint.active == True)),  # noqa: E712
    )
    return [e for e in active if name in e.events]


def _queue(name: str, data: dict, endpoints: list[WebhookEndpoint]) -> None:
    """One delivery of event `name` per endpoint, with its outbox row: call in the change's
    transaction."""
    for endpoint in endpoints:
        event_id = str(uuid.uuid4())
        payload = {
            "id": event_id,
            "type": name,
            "created_at": utcnow().isoformat() + "Z",
            "data": data,
        }
        delivery = WebhookDelivery.create(
            endpoint=endpoint.id, event_id=event_id, event=name, payload=payload
        )
        add_work(WORK_KIND, f"webhook.{delivery.id}", {"delivery": delivery.id})


def plan_webhooks(event, steps, from_status=None) -> None:
    """The `order_changed` subscriber: a delivery per step, per endpoint that wants it; and
    stock.low for what a placed order's lines took below the mark."""
    for step in steps:
        name = EVENT_OF_KIND.get(step.kind)
        endpoints = _active_endpoints(name) if name else []
        if endpoints:
            data = {"order": order_json(step.order)}
            if name == "payment.recorded":
                data["payment"] = _payment_json(step.order)
            _queue(name, data, endpoints)
        if step.kind == "created" and _active_endpoints("stock.low"):
            taken: dict[tuple, int] = {}
            for line in step.order.lines:
                if line.holds_stock:
                    key = (line.product, line.warehouse)
                    taken[key] = taken.get(key, 0) + line.quantity
            for (product, warehouse), units in taken.items():
                plan_stock_low(product, warehouse=warehouse, change=-units)


def _payment_json(order) -> dict:
    payment = Payment.select().where(Payment.order == order.id).order_by(Payment.id.desc()).get()
    return {
        "id": payment.id,
        "amount_fen": payment.amount,
        "method": payment.method,
        "created_at": payment.created_at.isoformat() + "Z",
    }


def plan_stock_low(product, warehouse, change: int) -> None:
    """stock.low when `change` (signed units, just applied) took the product's available units
    in `warehouse` from above STOCK_LOW_UNITS to it or below; once per fall, not per sale."""
    endpoints = _active_endpoints("stock.low") if change < 0 else []
    row = endpoints and Stock.get_or_none(
        Stock.product == product.id, Stock.warehouse == warehouse.id
    )
    if not row:
        return
    mark = current_app.config["STOCK_LOW_UNITS"] if has_app_context() else DEFAULT_LOW_UNITS
    if row.available <= mark < row.available - change:
        stock = {
            "product": product.id,
            "name": product.name,
            "sku": product.sku,
            "warehouse": warehouse.code,
            "on_hand": row.on_hand,
            "available": row.available,
            "low_mark": mark,
        }
        _queue("stock.low", {"stock": stock}, endpoints)


def signature(secret: str, body: bytes, at: int) -> str:
    mac = hmac.new(secret.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"


def verify_signature(secret: str, header: str, body: bytes, now: float | None = None) -> bool:
    """What a receiver does: the signature matches and its time is within the replay window."""
    try:
        parts = dict(part.split("=", 1) for part in header.split(","))
        at = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - at) > REPLAY_WINDOW_SECONDS:
        return False
    return hmac.compare_digest(signature(secret, body, at), f"t={at},v1={parts.get('v1', '')}")


def send_delivery(delivery_id: int, worker: str) -> bool:
    """Claim the delivery, POST it signed, and mark it delivered on a 2xx; else retry later.
    True when delivered now."""
    delivery = WebhookDelivery.claim(delivery_id, worker)
    if delivery is None:
        return False
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
    request = urllib.request.Request(
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Jielong-Webhooks/1",
            "X-Jielong-Event": delivery.event,
            "X-Jielong-Event-Id": delivery.event_id,
            "X-Jielong-Signature": signature(endpoint.secret, body, int(time.time())),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            code, text = response.status, response.read(500).decode(errors="replace")
    except urllib.error.HTTPError as error:
        code, text = error.code, error.read(500).decode(errors="replace")
    except OSError as error:  # refused, reset, timed out
        delivery.retry_later(f"{type(error).__name__}: {error}")
        return False
    if 200 <= code < 300:
        delivery.finish(response_code=code, last_response=text, delivered_at=utcnow())
        return True
    WebhookDelivery.update(response_code=code, last_response=text).where(
        WebhookDelivery.id == delivery.id
    ).execute()
    delivery.retry_later(f"HTTP {code}")
    return False


def send_in_order(delivery_id: int, worker: str) -> int:
    """Send the delivery, then its endpoint's next ones while each is delivered and the next
    is due: a burst of events goes out one after another without waiting for the sweeper.
    How many were delivered."""
    sent = 0
    while delivery_id and send_delivery(delivery_id, worker):
        sent += 1
        following = WebhookDelivery.get_by_id(delivery_id).next_of_endpoint()
        delivery_id = following.id if following else None
    return sent


def send_again(delivery_id: int) -> WebhookDelivery:
    """Queue a delivered or failed delivery again, with the same event id."""
    with db.atomic():
        WebhookDelivery.update(
            status=WebhookDelivery.OPEN, available_at=utcnow(), locked_until=None, attempts=0
        ).where(WebhookDelivery.id == delivery_id).execute()
        add_work(
            WORK_KIND, f"webhook.{delivery_id}.{secrets.token_hex(4)}", {"delivery": delivery_id}
        )
        record("webhook.sent_again", f"delivery #{delivery_id}")
    return WebhookDelivery.get_by_id(delivery_id)


def endpoints() -> list[WebhookEndpoint]:
    return list(WebhookEndpoint.select().order_by(WebhookEndpoint.id.desc()))


def recent_deliveries(limit: int = 50) -> list[WebhookDelivery]:
    return list(WebhookDelivery.select().order_by(WebhookDelivery.id.desc()).limit(limit))
