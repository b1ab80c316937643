"""Tiered group prices (阶梯价): a product's unit price falls as the activity's units pass
thresholds (the products field's `tiers`, models/activities/fields/products.py).

An order is placed at the group price in force then (`unit_prices`, registered with
models/orders/placing.py); at the deadline the final tier is fixed and each order that is not
cancelled is repriced once (FinalPrice, one row per order), never above what it was placed
at: what an order paid online is paid over goes back through the provider in the repricing's
own transaction (models/groupbuy/refunds.py), the rest is what staff refund (other payments)
or what is left to collect.
"""

from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from peewee import DateTimeField, ForeignKeyField, IntegerField, IntegrityError, fn

from i18n import format_money
from models.activities.activity import PRICE_SOURCES
from models.activities.fields.products import price_tiers
from models.activities.template import FormTemplate, FormTemplateVersion
from models.base import BaseModel, utcnow
from models.catalog.products import Product
from models.db import db
from models.errors import StaleOrder
from models.groupbuy.group import UNITS, joined
from models.groupbuy.refunds import refund_online
from models.orders.lifecycle import Actor, bump_version, record_event
from models.orders.order import Order, OrderLine
from models.orders.payments import follow_total, paid_so_far
from models.orders.status import OrderStatus
from models.payments.refunds import FAILED, Refund, holding


class FinalPrice(BaseModel):
    """An order's total before and after its group price was fixed at the deadline."""

    order = ForeignKeyField(Order, unique=True, on_delete="CASCADE")
    before_total = IntegerField()
    after_total = IntegerField()
    fixed_at = DateTimeField(default=utcnow)


def price_at(product: Product, tiers: list[tuple[int, int]], units: int) -> int:
    """The product's unit price when the activity has `units` units: its list price, or the
    lowest group price whose threshold is reached (never above the list price)."""
    reached = [price for threshold, price in tiers if units >= threshold]
    return min([product.price, *reached])


@dataclass(frozen=True)
class TierStatus:
    """For the order form: units so far, each tiered product's price now and at the next tier."""

    units: int
    now: dict[int, int]  # product id: unit price now
    next_units: int | None  # the next threshold (None: the lowest price is reached)
    next_prices: dict[int, int]

    @property
    def missing(self) -> int:
        return max((self.next_units or 0) - self.units, 0)


def tier_status(version: FormTemplateVersion, products: dict[int, Product]) -> TierStatus | None:
    tiers = {pid: t for pid, t in price_tiers(version.fields).items() if pid in products}
    if not tiers:
        return None
    units = joined(version.template_id, UNITS)
    thresholds = sorted({u for t in tiers.values() for u, _p in t if u > units})
    upcoming = thresholds[0] if thresholds else None
    return TierStatus(
        units=units,
        now={pid: price_at(products[pid], t, units) for pid, t in tiers.items()},
        next_units=upcoming,
        next_prices={pid: price_at(products[pid], t, upcoming) for pid, t in tiers.items()}
        if upcoming
        else {},
    )


def group_prices_now(version: FormTemplateVersion, products: dict[int, Product]) -> dict[int, int]:
    """The group price in force of each tiered product among `products` (a price source of
    models/activities/activity.py `unit_prices`, registered below)."""
    tiers = {pid: t for pid, t in price_tiers(version.fields).items() if pid in products}
    if not tiers:
        return {}
    units = joined(version.template_id, UNITS)
    return {pid: price_at(products[pid], t, units) for pid, t in tiers.items()}


PRICE_SOURCES.append(group_prices_now)


def fix_final_prices(template: FormTemplate) -> int:
    """Reprice every order of the activity that is not cancelled at its final tier, once
    each; returns the orders whose total changed."""
    version = template.latest_version()
    tiers = price_tiers(version.fields) if version else {}
    if not tiers:
        return 0
    units = joined(template.id, UNITS)
    kept = Order.select(Order.id).where(
        Order.template == template.id, Order.status != OrderStatus.CANCELLED
    )
    return sum(_reprice(order.id, tiers, units) for order in list(kept))


def _reprice(order_id: int, tiers: dict, units: int) -> bool:
    try:
        with db.atomic():
            if FinalPrice.get_or_none(FinalPrice.order == order_id):
                return False  # fixed before
            order = Order.get_by_id(order_id)
            subtotal, discount, total = _final_prices(order, tiers, units)
            FinalPrice.create(order=order_id, before_total=order.total, after_total=total)
            if total == order.total:
                return False
            bump_version(order, order.version, subtotal=subtotal, discount=discount, total=total)
            follow_total(order_id, total, previous_total=order.total)
            note = _record(order, total)
            over = paid_so_far(order) - holding(order_id) - total
            if over > 0:
                refund_online(Order.get_by_id(order_id), over, note)
    except (IntegrityError, StaleOrder):  # fixed by another run, or changed: next run
        return False
    return True


def unpriced(template: FormTemplate) -> int:
    """Orders of the activity whose group price is still to be fixed (0 without tiers)."""
    version = template.latest_version()
    if not (version and price_tiers(version.fields)):
        return 0
    fixed = FinalPrice.select(FinalPrice.order)
    return (
        Order.select()
        .where(
            Order.template == template.id,
            Order.status != OrderStatus.CANCELLED,
            Order.id.not_in(fixed),
        )
        .count()
    )


def _final_prices(order: Order, tiers: dict, units: int) -> tuple[int, int, int]:
    """Set the order's lines to their final unit prices; (subtotal, discount, total) after,
    the discount kept at most the items' worth."""
    subtotal = 0
    for line in OrderLine.select().where(OrderLine.order == order.id):
        if line.product_id in tiers:  # never above the price it was placed at
            price = min(price_at(line.product, tiers[line.product_id], units), line.unit_price)
            if price != line.unit_price:
                line.unit_price = price
                line.save(only=[OrderLine.unit_price])
        subtotal += line.line_total
    discount = min(order.discount, subtotal)
    return subtotal, discount, subtotal + order.delivery_fee - discount


def _record(order: Order, total: int) -> str:
    """The timeline event of the repricing (staff and the customer see it); its note."""
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        note = _(
            "Group price fixed at the deadline: %(before)s → %(after)s",
            before=format_money(order.total),
            after=format_money(total),
        )
    record_event(order, Actor.system(), kind="edited", note=note)
    return note


def difference(order: Order) -> dict | None:
    """What the fixed group price means for the order now: {"before", "after", "refunded"
    (given back online since), "refund" (still due), "collect"} in fen (None: its price was
    not changed at the deadline)."""
    final = FinalPrice.get_or_none(FinalPrice.order == order.id)
    if final is None or final.before_total == final.after_total:
        return None
    paid = paid_so_far(order)
    online = Refund.select(fn.COALESCE(fn.SUM(Refund.amount), 0)).where(
        Refund.order == order.id,
        Refund.provider.is_null(False),
        Refund.status != FAILED,
        Refund.created_at >= final.fixed_at,
    )
    return {
        "before": final.before_total,
        "after": final.after_total,
        "refunded": int(online.scalar() or 0),
        "refund": max(paid - holding(order.id) - order.total, 0),
        "collect": max(order.total - paid, 0) if order.payment_status != "paid" else 0,
    }
