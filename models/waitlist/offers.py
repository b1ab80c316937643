"""Offering freed units to the line: when units of a product free up (an order cancelled or
lowered, goods received, a stock-take), the first in line whose quantity is free gets them
held (reserved in the main warehouse) for the activity's `waitlist_hold_minutes` (30 unless
the admin set 5 to 1440) and they are told by SMS (models/waitlist/notices.py); their link places the order with the
held units; a hold that runs out is given back and offered to the next (tasks/waitlist.py sweeps
every minute). Every step is a conditional UPDATE of the entry's status, so an offer is taken,
expired or claimed once, whoever gets there at the same moment."""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from models.activities.design import HOLD_MINUTES
from models.activities.published import find_activity
from models.activities.template import FormTemplate, read_setting
from models.base import utcnow
from models.catalog import stock
from models.catalog.products import Warehouse
from models.db import db
from models.errors import DomainError
from models.orders.checkout import submit_order
from models.orders.order import Order
from models.orders.status import OrderStatus
from models.waitlist.entry import EXPIRED, OFFERED, ORDERED, WAITING, WITHDRAWN, WaitlistEntry
from models.waitlist.notices import plan_offer_notice


def hold_minutes(template: FormTemplate) -> int:
    """How long an offer of the activity holds its units (its published setting)."""
    version = template.latest_version()
    settings = version.settings if version else None
    return read_setting(settings, "waitlist_hold_minutes") or HOLD_MINUTES


class OfferGone(DomainError):
    message = _l("This offer has run out: the units went to the next in line.")


def offer_freed(product_id: int, now: datetime | None = None) -> list[WaitlistEntry]:
    """Hold what is free of the product for the line, first come first served (one whose
    quantity is more than is free keeps their place; the next whose quantity fits is offered).
    Call inside the transaction that freed the units, or on its own."""
    now = now or utcnow()
    warehouse = Warehouse.default()
    offered = []
    with db.atomic():
        line = (
            WaitlistEntry.select()
            .where(WaitlistEntry.product == product_id, WaitlistEntry.status == WAITING)
            .order_by(WaitlistEntry.id)
        )
        for entry in line:
            note = {"reason": f"waiting list #{entry.id}"}
            if not stock.try_reserve(product_id, warehouse.id, entry.quantity, **note):
                continue
            taken = (
                WaitlistEntry.update(
                    status=OFFERED,
                    offered_at=now,
                    hold_until=now + timedelta(minutes=hold_minutes(entry.template)),
                    warehouse=warehouse.id,
                )
                .where(WaitlistEntry.id == entry.id, WaitlistEntry.status == WAITING)
                .execute()
            )
            if taken != 1:  # left the line meanwhile
                stock.release(product_id, warehouse.id, entry.quantity, **note)
                continue
            offered.append(WaitlistEntry.get_by_id(entry.id))
            plan_offer_notice(offered[-1])
    return offered


def claim(entry: WaitlistEntry, *, fulfilment: str | None, now: datetime | None = None) -> Order:
    """Place the offered order with the held units (the activity's checkout, as the form's); a
    second claim answers with the same order. OfferGone once the hold ran out; a refusal of
    checkout (the activity closed, ...) leaves the offer and its hold as they were."""
    now = now or utcnow()
    entry = WaitlistEntry.get_by_id(entry.id)
    if entry.status == ORDERED and entry.order_id:
        return entry.order
    if entry.status != OFFERED or entry.hold_until <= now:
        raise OfferGone()
    found = find_activity(entry.template.slug)
    if found is None:
        raise OfferGone()
    template, version = found
    with db.atomic():
        won = (
            WaitlistEntry.update(status=ORDERED)
            .where(
                WaitlistEntry.id == entry.id,
                WaitlistEntry.status == OFFERED,
                WaitlistEntry.hold_until > now,
            )
            .execute()
        )
        if won != 1:
            fresh = WaitlistEntry.get_by_id(entry.id)
            if fresh.status == ORDERED and fresh.order_id:
                return fresh.order
            raise OfferGone()
        note = {"reason": f"waiting list #{entry.id}"}
        stock.release(entry.product_id, entry.warehouse_id, entry.quantity, **note)
        customer = entry.customer
        order, _created = submit_order(
            template,
            version,
            answers={"name": customer.name, "phone": customer.phone},
            quantities={entry.product_id: entry.quantity},
            fulfilment=fulfilment,
            address="",
            submission_key=f"waitlist-{entry.id}",
            locale="zh_CN",
        )
        WaitlistEntry.update(order=order.id).where(WaitlistEntry.id == entry.id).execute()
    return order


def withdraw(entry: WaitlistEntry) -> bool:
    """Leave the line; units held for the customer go to the next. False when they were out of
    it already."""
    with db.atomic():
        was_offered = (
            WaitlistEntry.update(status=WITHDRAWN)
            .where(WaitlistEntry.id == entry.id, WaitlistEntry.status == OFFERED)
            .execute()
        )
        if was_offered:
            _give_back(entry)
            offer_freed(entry.product_id)
            return True
        left = (
            WaitlistEntry.update(status=WITHDRAWN)
            .where(WaitlistEntry.id == entry.id, WaitlistEntry.status == WAITING)
            .execute()
        )
        return left == 1


def expire_due(now: datetime | None = None) -> int:
    """Give back the holds that ran out and offer their units to the next in line; how many
    ran out. Each hold is expired once, even by two sweeps at once."""
    now = now or utcnow()
    due = WaitlistEntry.select().where(
        WaitlistEntry.status == OFFERED, WaitlistEntry.hold_until <= now
    )
    expired = 0
    for entry in list(due):
        with db.atomic():
            ran_out = (
                WaitlistEntry.update(status=EXPIRED)
                .where(
                    WaitlistEntry.id == entry.id,
                    WaitlistEntry.status == OFFERED,
                    WaitlistEntry.hold_until <= now,
                )
                .execute()
            )
            if ran_out != 1:
                continue
            _give_back(entry)
            offer_freed(entry.product_id, now)
            expired += 1
    return expired


def _give_back(entry: WaitlistEntry) -> None:
    note = {"reason": f"waiting list #{entry.id}"}
    stock.release(entry.product_id, entry.warehouse_id, entry.quantity, **note)


def _waited_for(product_ids) -> list[int]:
    ids = list(product_ids)
    if not ids:
        return []
    query = WaitlistEntry.select(WaitlistEntry.product).where(
        WaitlistEntry.product.in_(ids), WaitlistEntry.status == WAITING
    )
    return sorted({row.product_id for row in query})


def offer_on_cancel(event, steps, from_status=None) -> None:
    """`order_changed` subscriber: an order cancelled or edited may have freed units."""
    if not any(s.to_status == OrderStatus.CANCELLED or s.kind == "edited" for s in steps):
        return
    lines = Order.get_by_id(event.order_id).lines
    for product_id in _waited_for(line.product_id for line in lines if line.product_id):
        offer_freed(product_id)


def offer_on_receipt(product, warehouse=None, change=0) -> None:
    """`stock_moved` subscriber: goods received or counted up may be what the line waits for."""
    if change > 0 and _waited_for([product.id]):
        offer_freed(product.id)
