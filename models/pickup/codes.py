"""A pickup order's short code: six characters without the ones read wrongly aloud or in poor
light (0/O, 1/I/L), issued when the order is placed (subscribed to `order_changed`), unique
across the shop. Staff type or scan it (the QR holds the code; the order's tracking link, from
the page's other QR, is read too) to find the order and hand it over."""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from peewee import CharField, DateTimeField, ForeignKeyField

from models.base import BaseModel, utcnow
from models.errors import DomainError, StaleOrder, TransitionNotAllowed
from models.orders.fulfilment import hand_over
from models.orders.lifecycle import Actor
from models.orders.order import Order, OrderEvent
from models.orders.status import OrderStatus
from models.statements import Slot, Statement

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 6
TRACKING_LINK = re.compile(r"/o/([A-Za-z0-9_-]{10,64})")


class PickupCode(BaseModel):
    order = ForeignKeyField(Order, unique=True, on_delete="CASCADE")
    code = CharField(max_length=12, unique=True)
    created_at = DateTimeField(default=utcnow)


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def issue_code(order_id: int) -> str:
    """The order's code, made now if it has none (a code taken already is drawn again)."""
    while True:
        code = PickupCode.select(PickupCode.code).where(PickupCode.order == order_id).scalar()
        if code:
            return code
        PickupCode.insert(
            order=order_id, code=new_code(), created_at=utcnow()
        ).on_conflict_ignore().execute()


_POINT_OF = Statement(lambda: Order.select(Order.pickup_point).where(Order.id == Slot("order")))
_NEW_CODE = Statement(
    lambda: (
        PickupCode.insert(order=Slot("order"), code=Slot("code"), created_at=Slot("now"))
        .on_conflict_ignore()
        .returning(PickupCode.code)
    )
)


def issue_on_placing(event, steps, from_status=None) -> None:
    """`order_changed` subscriber: a new pickup order gets its code in the transaction that
    places it."""
    if event.kind != "created":
        return
    point_id = (
        event.placed.pickup_point_id if event.placed else _POINT_OF.one(order=event.order_id)[0]
    )
    if (
        point_id is not None
        and _NEW_CODE.one(order=event.order_id, code=new_code(), now=utcnow()) is None
    ):
        issue_code(event.order_id)  # its code was drawn by another order: draw again


def code_of(order: Order) -> str | None:
    return PickupCode.select(PickupCode.code).where(PickupCode.order == order.id).scalar()


def display(code: str) -> str:
    """The code as shown and read aloud: two groups of three."""
    return f"{code[:3]} {code[3:]}"


def normalize(typed: str) -> str:
    """What staff typed or scanned, as stored: letters upper-cased, spaces and dashes gone."""
    return re.sub(r"[\s\-]", "", typed or "").upper()[:64]


class NoSuchCode(DomainError):
    message = _l("No pickup order has this code. Check it with the customer and type it again.")


class AlreadyHandedOver(DomainError):
    """details["at"]: when it was handed over (UTC)."""

    message = _l("This order was already handed over.")


@dataclass(frozen=True)
class Found:
    order: Order
    code: str
    handed_over_at: datetime | None  # when it was handed over, if it was


def find_by_code(typed: str) -> Found:
    """The pickup order that `typed` (a code, or a scanned tracking link) names; NoSuchCode."""
    link = TRACKING_LINK.search(typed or "")
    if link:
        order = Order.by_token(link.group(1))
        code = code_of(order) if order else None
    else:
        code = normalize(typed)
        row = PickupCode.get_or_none(PickupCode.code == code) if code else None
        order = row.order if row else None
    if order is None or code is None:
        raise NoSuchCode()
    return Found(order, code, handed_over_at(order))


def handed_over_at(order: Order) -> datetime | None:
    if order.status != OrderStatus.COMPLETED:
        return None
    return (
        OrderEvent.select(OrderEvent.created_at)
        .where(OrderEvent.order == order.id, OrderEvent.to_status == OrderStatus.COMPLETED)
        .order_by(OrderEvent.id.desc())
        .scalar()
    )


def hand_over_by_code(
    typed: str, actor: Actor, *, expected_version: int, collected: str | None = None
) -> Order:
    """Hand over the order of the code: completed, its stock off the shelf, the money still owed
    recorded as `collected` (models/orders/fulfilment.py `hand_over`). A second hand-over (a
    double tap, a colleague) is AlreadyHandedOver, not a second completion."""
    found = find_by_code(typed)
    if found.handed_over_at is not None:
        raise AlreadyHandedOver(at=found.handed_over_at)
    try:
        return hand_over(found.order, actor, expected_version=expected_version, collected=collected)
    except (StaleOrder, TransitionNotAllowed):
        fresh = Order.get_by_id(found.order.id)
        at = handed_over_at(fresh)
        if at is not None:
            raise AlreadyHandedOver(at=at) from None
        raise
