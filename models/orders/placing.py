"""Placing an order: one transaction that reserves stock all-or-nothing."""

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from models.activities import allotment
from models.activities.activity import unit_prices
from models.activities.pickup import PickupPoint, serving_warehouse, window_for
from models.activities.published import prices_of_tier
from models.activities.template import FormTemplateVersion
from models.base import utcnow
from models.catalog import stock
from models.catalog.products import Product, Warehouse
from models.customers.customer import Customer
from models.db import db
from models.errors import DomainError, OutOfStock
from models.orders.lifecycle import Actor, record_placing
from models.orders.order import Counter, Order, OrderLine
from models.orders.payments import status_when_placed
from models.orders.status import OrderStatus
from models.promotions import claims
from models.promotions.offer import Offer
from models.promotions.pricing import CouponRefused
from models.statements import Slot, Statement, insert_row


@dataclass(frozen=True)
class LineRequest:
    product: Product
    quantity: int


class EmptyOrder(DomainError):
    message = _l("Choose at least one item.")


class ActivityFull(DomainError):
    message = _l("This activity has reached its order limit.")


class CustomerLimitReached(DomainError):
    message = _l("This phone number has already placed the most orders this activity allows.")


class SlotFull(DomainError):
    """details["field"]: the time-slot field whose chosen slot is fully booked."""

    message = _l("This time slot has just been fully booked. Please choose another.")


def placed_order(submission_key: str) -> Order | None:
    """The order this submission key placed already, if any."""
    found = _PLACED.one(key=submission_key)
    return Order.get_by_id(found[0]) if found else None


_PLACED = Statement(lambda: Order.select(Order.id).where(Order.submission_key == Slot("key")))


def place_order(*, submission_key: str, **details) -> tuple[Order, bool]:
    """Create the order, or return the one this submission already created; see place_new."""
    existing = placed_order(submission_key)
    if existing:
        return existing, False
    return place_new(submission_key=submission_key, **details)


def place_new(
    *,
    version: FormTemplateVersion,
    customer_name: str,
    customer_phone: str,
    lines: list[LineRequest],
    submission_key: str,
    warehouse: Warehouse | None = None,
    answers: dict | None = None,
    pickup_point: PickupPoint | None = None,
    address: str = "",
    delivery_fee: int = 0,
    offer: Offer | None = None,
    discount: int = 0,
    locale: str = "zh_CN",
    source: str = "form",
    also: Callable[[Order], None] | None = None,
    member_prices: dict[int, dict[int, int]] | None = None,
) -> tuple[Order, bool]:
    """Create the order; the caller has looked for one placed with `submission_key` already
    (`placed_order`), and when one was placed meanwhile, that one is returned.

    `warehouse`: where the lines reserve (None: the one serving `pickup_point`).
    `also(order)` runs inside the order's transaction once it is created: what a higher
    package keeps with the new order, written with it or not at all (the leader whose share
    link brought it: models/leaders/leader.py `attribute`).
    `member_prices`: {product id: {tier id: price}} of the products (the published activity's,
    `Published.member_prices`): a line costs its product's price for the customer's tier
    when that is lower, the tier being the one the customer row has as the order is placed.

    Returns (order, created). Raises OutOfStock (with `details["short"]`, a
    mapping of product id to what is still available) and reserves nothing if
    any line cannot be filled; likewise ActivityFull, CustomerLimitReached and
    SlotFull when the activity's places (models/activities/allotment.py) are taken, and
    CouponRefused when `offer` (taking `discount` fen off) has no use left for the customer.
    """
    lines = [line for line in lines if line.quantity > 0]
    if not lines and version.template.kind == "goods":
        raise EmptyOrder()
    try:
        with db.atomic():
            order = _create(
                version,
                customer_name,
                customer_phone,
                lines,
                submission_key,
                warehouse or serving_warehouse(pickup_point),
                answers or {},
                pickup_point,
                address,
                delivery_fee,
                (offer, discount),
                locale,
                source,
                member_prices or {},
            )
            if also is not None:
                also(order)
    except IntegrityError:  # the submission key's order was placed already
        existing = placed_order(submission_key)
        if existing is None:
            raise
        return existing, False
    return order, True


def _create(
    version,
    name,
    phone,
    lines,
    key,
    warehouse,
    answers,
    pickup_point,
    address,
    delivery_fee,
    offered,
    locale,
    source,
    member_prices,
):
    customer = Customer.find_or_create(name, phone)  # its tier comes with it: no extra read
    holds, newcomer = _take_places(version, customer, answers)
    offer, discount = offered
    if offer is not None:
        _use_offer(offer, customer)
    # the prices in force now, read inside the order's transaction (a group price: 阶梯价),
    # and the member prices of the customer's tier (会员价)
    member = prices_of_tier(member_prices, customer.tier_id)
    prices = unit_prices(version, {line.product.id: line.product for line in lines}, member)
    subtotal = sum(prices[line.product.id] * line.quantity for line in lines)
    discount = min(discount, subtotal)  # priced lower than quoted (a tier changed meanwhile)
    window = pickup_point and window_for(
        version.settings, version.template.closes_at, pickup_point, utcnow()
    )
    order = Order(
        number=Counter.next("order"),
        submission_key=key,
        template=version.template_id,
        template_version=version,
        customer=customer,
        subtotal=subtotal,
        delivery_fee=delivery_fee,
        discount=discount,
        offer=offer,
        total=subtotal + delivery_fee - discount,
        payment_status=status_when_placed(subtotal + delivery_fee - discount),
        answers=answers,
        pickup_point=pickup_point,
        pickup_starts_at=window.starts_at if window else None,
        pickup_ends_at=window.ends_at if window else None,
        address=address,
        holds=holds,
        locale=locale,
        source=source,
    )
    insert_row(order)
    short = {}
    for line in lines:
        held_in = None
        if line.product.tracks_stock:
            held_in = stock.reserve_from(
                line.product.id, warehouse, line.quantity, order_number=order.number
            )
            if held_in is None:  # what is left where the order collects, not elsewhere
                short[line.product.id] = stock.available(line.product.id, warehouse.id)
                continue
        line_row = OrderLine(
            order=order,
            product=line.product,
            warehouse=held_in,
            name=line.product.name,
            unit_price=prices[line.product.id],
            unit_cost=line.product.cost_price,
            quantity=line.quantity,
        )
        insert_row(line_row)
    if short:
        raise OutOfStock(short=short)
    record_placing(
        order, Actor.of_customer(customer), kind="created", to_status=OrderStatus.PENDING
    )
    # last: every order of the activity takes this row, so it stays locked (PostgreSQL) for
    # the shortest time; a full activity rolls all of the above back
    cap = version.setting("order_cap")
    if not allotment.take_order_place(version.template_id, cap, newcomer=newcomer):
        raise ActivityFull()
    return order


OFFER_RAN_OUT = {
    "customer": _l("You have already used this coupon as often as it allows."),
    "total": _l("This coupon has been used up."),
}


def _use_offer(offer: Offer, customer: Customer) -> None:
    ran_out = claims.try_claim(offer.id, customer.id)
    if ran_out:
        raise CouponRefused(OFFER_RAN_OUT[ran_out], field="coupon")


def _take_places(version, customer, answers) -> tuple[list[str], bool]:
    """Take the customer's and the chosen time slots' places; raise when one is full. The keys
    of all the order holds, the activity's place (taken last, by `_create`) first, and whether
    this is the customer's first standing order of the activity."""
    template_id = version.template_id
    mine = allotment.customer_key(customer.id)
    taken = allotment.try_take(template_id, mine, version.setting("per_customer_limit"))
    if not taken:
        raise CustomerLimitReached()
    holds = [allotment.ORDERS, mine]
    for spec in version.fields:
        chosen = answers.get(spec["name"]) if spec["type"] == "time_slot" else None
        slot = next((s for s in spec.get("slots") or [] if str(s["id"]) == chosen), None)
        if slot is None:
            continue
        key = allotment.slot_key(spec["name"], chosen)
        if not allotment.try_take(template_id, key, slot.get("capacity")):
            raise SlotFull(field=spec["name"])
        holds.append(key)
    return holds, taken == 1
