"""Delivery windows: when a zone's orders are brought, each with a number of places.

A window's places are taken like an activity's time-slot places (models/activities/allotment.py):
one conditional UPDATE of `taken`, so two customers racing for the last place cannot both get
it; a cancelled order gives its place back. Windows are stored in UTC and shown on the shop's
clock; customers are offered those that have not started and have a place left.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from peewee import CharField, Check, DateTimeField, ForeignKeyField, IntegerField

from models.base import BaseModel, utcnow
from models.delivery.zones import DeliveryZone
from models.errors import DomainError
from models.statements import Slot, StatementPerCount, instances, slots


class WindowFull(DomainError):
    message = _l("This delivery window has just been fully booked. Please choose another.")


class NoSuchWindow(DomainError):
    message = _l("Choose one of the delivery windows of your zone.")


class BadWindow(DomainError):
    message = _l("A delivery window must end after it starts.")


class WindowInUse(DomainError):
    message = _l("Orders are booked in this window; it cannot be removed.")


class DeliveryWindow(BaseModel):
    zone = ForeignKeyField(DeliveryZone, backref="windows", on_delete="CASCADE")
    starts_at = DateTimeField(index=True)  # UTC
    ends_at = DateTimeField()
    capacity = IntegerField(null=True)  # None: no limit
    taken = IntegerField(default=0, constraints=[Check("taken >= 0")])
    note = CharField(default="")

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.taken, 0)


def add_window(
    zone: DeliveryZone, starts_at: datetime, ends_at: datetime, capacity: int | None
) -> DeliveryWindow:
    """A new window of `zone` (UTC times); BadWindow if it ends before it starts."""
    if ends_at <= starts_at:
        raise BadWindow()
    return DeliveryWindow.create(zone=zone, starts_at=starts_at, ends_at=ends_at, capacity=capacity)


def remove_window(window: DeliveryWindow) -> None:
    """WindowInUse while an order holds a place in it."""
    if (
        DeliveryWindow.delete()
        .where(DeliveryWindow.id == window.id, DeliveryWindow.taken == 0)
        .execute()
        != 1
    ):
        raise WindowInUse()


def upcoming_windows(zone_ids: list[int], now: datetime | None = None) -> list[DeliveryWindow]:
    """The windows of these zones that have not started yet, soonest first (full ones too)."""
    if not zone_ids:
        return []
    rows = _UPCOMING.run("zone", list(zone_ids), now=now or utcnow())
    return instances(DeliveryWindow, WINDOW_COLUMNS, rows)


WINDOW_COLUMNS = DeliveryWindow._meta.sorted_fields
_UPCOMING = StatementPerCount(
    lambda count: (
        DeliveryWindow.select(*WINDOW_COLUMNS)
        .where(
            DeliveryWindow.zone.in_(slots("zone", count)), DeliveryWindow.starts_at > Slot("now")
        )
        .order_by(DeliveryWindow.starts_at, DeliveryWindow.id)
    )
)


def zone_windows(zone: DeliveryZone) -> list[DeliveryWindow]:
    """All of a zone's windows, latest first (for the admin page)."""
    return list(zone.windows.order_by(DeliveryWindow.starts_at.desc()))


def try_take(window_id: int) -> bool:
    """Take one place of the window; False when it is full."""
    query = DeliveryWindow.update(taken=DeliveryWindow.taken + 1).where(
        DeliveryWindow.id == window_id,
        DeliveryWindow.capacity.is_null() | (DeliveryWindow.taken < DeliveryWindow.capacity),
    )
    return query.execute() == 1


def give_back(window_id: int) -> None:
    DeliveryWindow.update(taken=DeliveryWindow.taken - 1).where(
        DeliveryWindow.id == window_id, DeliveryWindow.taken > 0
    ).execute()


def bookable_windows(zone_ids: list[int], now: datetime | None = None) -> list[DeliveryWindow]:
    """The windows of these zones a customer may choose now: not started, a place left."""
    return [w for w in upcoming_windows(zone_ids, now) if w.places_left != 0]
