"""Changing a placed order's lines and answers, by staff (detail page) or the customer
(tracking page): one transaction that moves stock by the difference, keeps time-slot places
true, recomputes the totals (and whether recorded payments still cover them), bumps the order's version and says in the timeline what changed.
"""

import json

from flask_babel import lazy_gettext as _l

from models.activities import allotment
from models.activities.activity import unit_prices
from models.activities.fields import field_type
from models.activities.fields.products import PRODUCTS
from models.activities.pickup import serving_warehouse
from models.activities.published import published
from models.catalog import stock
from models.catalog.products import Product
from models.db import db
from models.errors import DomainError, OutOfStock
from models.orders.lifecycle import Actor, bump_version, record_event
from models.orders.order import Order, OrderLine
from models.orders.payments import follow_total
from models.orders.placing import EmptyOrder, SlotFull
from models.orders.status import OPEN_STATUSES
from models.orders.text import answer_text, offered_product_ids, product_names


class OrderNotEditable(DomainError):
    message = _l("Only open orders can be edited.")


class ProductNotOffered(DomainError):
    message = _l("This order's form does not offer that product.")


class _Unchanged(Exception):
    """Nothing to write: roll back the version bump."""


def edit_order(
    order: Order,
    *,
    actor: Actor,
    expected_version: int,
    quantities: dict[int, int] | None = None,
    answers: dict | None = None,
) -> Order:
    """Set the quantities in `quantities` ({product_id: quantity}: 0 removes the line, products
    not mentioned keep theirs) and replace the answers with `answers`; return the stored order.

    New products must be offered by the order's version; existing lines keep the price they
    were sold at, new ones take the product's price; the delivery fee stays. Raises StaleOrder
    (not at `expected_version`), OrderNotEditable (not open), ProductNotOffered, OutOfStock
    (details["short"]: {product_id: still available}), EmptyOrder (a goods order left without
    lines) or SlotFull (a newly chosen time slot is booked up); then nothing has changed.
    An edit that changes nothing writes nothing.
    """
    try:
        with db.atomic():
            bump_version(order, expected_version)  # first: holds the row until commit
            current = Order.get_by_id(order.id)
            if current.status not in OPEN_STATUSES:
                raise OrderNotEditable()
            version = current.template_version
            changes = (
                _set_quantities(current, version, quantities, actor.user) if quantities else []
            )
            answer_changes = None
            if answers is not None:
                answer_changes = _replace_answers(current, version, answers, bool(changes))
            if not changes and answer_changes is None:
                raise _Unchanged()
            changes += answer_changes or []
            record_event(current, actor, kind="edited", note="; ".join(changes))
    except _Unchanged:
        pass
    return Order.get_by_id(order.id)


def _set_quantities(order, version, quantities, by) -> list[str]:
    lines = {line.product_id: line for line in order.lines}
    offered = set(offered_product_ids(version))
    changes, short = [], {}
    for product_id, quantity in sorted((int(p), int(q)) for p, q in quantities.items()):
        if quantity < 0:
            raise ValueError(f"negative quantity for product {product_id}")
        line = lines.get(product_id) or _new_line(order, product_id, offered)
        before = line.quantity
        if quantity == before:
            continue
        if line.holds_stock:
            delta = quantity - before
            note = {"order_number": order.number, "by": by}
            if delta > 0 and not stock.try_reserve(product_id, line.warehouse_id, delta, **note):
                short[product_id] = stock.available(product_id, line.warehouse_id)
                continue
            if delta < 0:
                stock.release(product_id, line.warehouse_id, -delta, **note)
        if quantity:
            line.quantity = quantity
            line.save()
        elif line.id is not None:
            line.delete_instance()
        changes.append(f"{line.name} {before} → {quantity}")
    if short:
        raise OutOfStock(short=short)
    remaining = list(OrderLine.select().where(OrderLine.order == order.id))
    if not remaining and version.template.kind == "goods":
        raise EmptyOrder()
    subtotal = sum(line.line_total for line in remaining)
    discount = min(order.discount, subtotal)  # the coupon's amount, as placed, at most the items
    total = subtotal + order.delivery_fee - discount
    Order.update(subtotal=subtotal, discount=discount, total=total).where(
        Order.id == order.id
    ).execute()
    follow_total(order.id, total, previous_total=order.total)
    return changes


def _new_line(order, product_id, offered) -> OrderLine:
    """An unsaved line of quantity 0 for a product the version offers."""
    product = Product.get_or_none(Product.id == product_id)
    if product is None or not product.active or product_id not in offered:
        raise ProductNotOffered()
    return OrderLine(
        order=order,
        product=product,
        warehouse=serving_warehouse(order.pickup_point) if product.tracks_stock else None,
        name=product.name,
        unit_price=_price_now(order, product),
        unit_cost=product.cost_price,
        quantity=0,
    )


def _price_now(order, product: Product) -> int:
    return prices_now(order.template_version, {product.id: product}, order.customer_id)[product.id]


def prices_now(version, products: dict[int, Product], customer_id: int) -> dict[int, int]:
    """What `products` cost this customer on an order of `version` placed now: as placing
    prices them, with the member prices of their tier (read only when one of them has one)."""
    parts = published(version.template, version)
    member = parts.member_prices_for(list(products), customer_id=customer_id)
    return unit_prices(version, products, member)


def _replace_answers(order, version, answers, lines_changed: bool) -> list[str] | None:
    """Store `answers` and return "label: before → after" for each field that reads
    differently; None when the answers are the same. A products answer's change is left out
    when the lines already say it."""
    before, after = order.answers or {}, json.loads(json.dumps(answers))
    if after == before:
        return None
    names = product_names([version], order.lines)
    changes = []
    for spec in version.fields or []:
        if field_type(spec).silent or (spec.get("type") == PRODUCTS and lines_changed):
            continue
        old, new = (
            answer_text(spec, a.get(spec["name"]), names, iso_dates=True) for a in (before, after)
        )
        if old != new:
            changes.append(f"{spec.get('label') or spec['name']}: {old or '—'} → {new or '—'}")
    _move_slot_places(order, version, before, after)
    Order.update(answers=after).where(Order.id == order.id).execute()
    return changes


def _move_slot_places(order, version, before, after) -> None:
    """A changed time slot gives its place back and takes one of the new slot (SlotFull)."""
    holds = list(order.holds or [])
    for spec in version.fields or []:
        name = spec["name"]
        if spec.get("type") != "time_slot" or before.get(name) == after.get(name):
            continue
        old_key = allotment.slot_key(name, before.get(name))
        if before.get(name) and old_key in holds:
            allotment.give_back(order.template_id, [old_key])
            holds.remove(old_key)
        slot = next((s for s in spec.get("slots") or [] if s["id"] == after.get(name)), None)
        if slot is not None:
            key = allotment.slot_key(name, slot["id"])
            if not allotment.try_take(order.template_id, key, slot.get("capacity")):
                raise SlotFull(field=name)
            holds.append(key)
    if holds != list(order.holds or []):
        Order.update(holds=holds).where(Order.id == order.id).execute()
