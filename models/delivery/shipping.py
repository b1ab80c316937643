"""Express shipping: an order handed to a carrier (顺丰, 京东, ...) with its tracking number.

Shipping records the carrier and number and walks the order on to "shipped" (through the
statuses it still has to pass, as the staff member may); the customer's page shows the number
and a link to the carrier's tracking page. Staff ship one order at a time or import a carrier's
e-waybill export (order number -> tracking number, models/delivery/waybills.py).
"""

from urllib.parse import quote

from flask_babel import lazy_gettext as _l
from peewee import CharField, DateTimeField, ForeignKeyField

from models.base import BaseModel, utcnow
from models.db import db
from models.errors import DomainError
from models.orders.lifecycle import Actor, may_transition, record_event, walk_order
from models.orders.order import Order
from models.orders.status import OrderStatus

# name, and the tracking page with {number} for the tracking number ("" : none known)
CARRIERS = {
    "sf": (
        _l("SF Express (顺丰)"),
        "https://www.sf-express.com/chn/sc/waybill/waybill-detail/{number}",
    ),
    "jd": (_l("JD Logistics (京东)"), "https://www.jdl.com/orderSearch/?waybillCodes={number}"),
    "zto": (_l("ZTO Express (中通)"), "https://www.zto.com/?num={number}"),
    "yto": (_l("YTO Express (圆通)"), "https://www.yto.net.cn/?num={number}"),
    "yunda": (_l("Yunda Express (韵达)"), "https://www.yundaex.com/?num={number}"),
    "ems": (_l("EMS (China Post)"), "https://www.ems.com.cn/?mailNum={number}"),
    "other": (_l("Other"), ""),
}
SHIPPABLE = (
    OrderStatus.PENDING,
    OrderStatus.CONFIRMED,
    OrderStatus.PROCESSING,
    OrderStatus.READY,
)
WALK = (OrderStatus.CONFIRMED, OrderStatus.PROCESSING, OrderStatus.READY, OrderStatus.SHIPPED)


class NotShippable(DomainError):
    message = _l("Only open orders can be shipped.")


class BadTrackingNumber(DomainError):
    message = _l("Enter the tracking number: letters and digits, up to 40.")


class Shipment(BaseModel):
    order = ForeignKeyField(Order, unique=True, backref="shipments", on_delete="CASCADE")
    carrier = CharField()
    tracking_number = CharField()
    shipped_at = DateTimeField(default=utcnow)

    @property
    def carrier_name(self) -> str:
        return str(CARRIERS.get(self.carrier, CARRIERS["other"])[0])

    @property
    def tracking_url(self) -> str:
        template = CARRIERS.get(self.carrier, CARRIERS["other"])[1]
        return template.format(number=quote(self.tracking_number)) if template else ""


def clean_number(text: str) -> str:
    """A tracking number as typed or exported, without spaces; BadTrackingNumber if it is not one."""
    number = "".join((text or "").split())
    if not number or len(number) > 40 or not number.isascii() or not number.isalnum():
        raise BadTrackingNumber()
    return number


def shipment_of(order: Order) -> Shipment | None:
    return Shipment.get_or_none(Shipment.order == order.id)


def ship_order(order: Order, carrier: str, tracking_number: str, actor: Actor) -> Order:
    """Hand `order` to `carrier`: record the number and walk the order to "shipped"; shipping
    a shipped order again corrects its carrier and number. Raises NotShippable,
    BadTrackingNumber (and StaleOrder, TransitionNotAllowed from the walk)."""
    if carrier not in CARRIERS:
        raise ValueError(f"unknown carrier {carrier!r}")
    number = clean_number(tracking_number)
    order = Order.get_by_id(order.id)
    if order.status not in (*SHIPPABLE, OrderStatus.SHIPPED):
        raise NotShippable()
    with db.atomic():
        Shipment.insert(order=order.id, carrier=carrier, tracking_number=number).on_conflict(
            conflict_target=[Shipment.order],
            update={Shipment.carrier: carrier, Shipment.tracking_number: number},
        ).execute()
        record_event(order, actor, kind="shipped", note=f"{CARRIERS[carrier][0]} {number}")
        if order.status == OrderStatus.SHIPPED:
            Order.update(updated_at=utcnow()).where(Order.id == order.id).execute()
        else:
            start = 0 if order.status == OrderStatus.PENDING else WALK.index(order.status) + 1
            steps = WALK[start:]
            if not may_transition(order, steps[0], actor):
                raise NotShippable()
            walk_order(order, steps, actor)
    return Order.get_by_id(order.id)
