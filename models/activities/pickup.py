"""Pickup points, where customers collect their goods, and the window each order gets.

Admins keep the list of points; templates choose which of them apply. Points are never
deleted (old orders refer to them); an inactive point is no longer offered. Changing a point's
hours leaves the windows of orders already placed as they are.

A point has opening hours, one range per weekday on the shop's clock (`PickupPoint.hours`).
An activity may name its pickup day, with or without hours, in its settings:
`{"pickup_window": {"date": "2026-12-12", "from": "10:00", "until": "12:00"}}` (shop clock).

The window of an order at a point, worked out once when it is placed and kept on the order
in UTC (`Order.pickup_starts_at`, `pickup_ends_at`):
  - the activity's pickup day with its hours; without hours, with the point's hours on that
    weekday (none when the point is closed then, which publishing refuses);
  - without a pickup day, the point's first opening that starts after the order was placed
    and after the activity's deadline (a group-buy's goods come after it closes);
  - none when the point has no opening hours.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from peewee import BooleanField, CharField, ForeignKeyField, JSONField, TextField

from models.activities.template import read_setting
from models.base import BaseModel, utcnow
from models.catalog.products import Warehouse
from models.errors import DomainError
from models.shop_time import shop_zone, to_utc


class PickupPoint(BaseModel):
    name = CharField()
    address = TextField(default="")
    # Opening hours on the shop's clock, one range per weekday (Monday 0), in day order:
    # [{"day": 5, "from": "10:00", "until": "12:00"}] (models/activities/pickup.py)
    hours = JSONField(default=list)
    active = BooleanField(default=True)
    warehouse = ForeignKeyField(Warehouse, null=True)  # serves its orders; None: the main one


@dataclass(frozen=True)
class PickupWindow:
    """When an order is to be collected: naive UTC, the end after the start."""

    starts_at: datetime
    ends_at: datetime


def active_pickup_points() -> list[PickupPoint]:
    return list(PickupPoint.select().where(PickupPoint.active == True).order_by(PickupPoint.id))  # noqa: E712


def create_pickup_point(
    name: str, address: str = "", hours: dict[int, tuple[time, time]] | None = None
) -> PickupPoint:
    """Raises BadPickupTimes for hours that close before they open."""
    return PickupPoint.create(name=name, address=address or "", hours=hours_rows(hours or {}))


def update_pickup_point(
    point: PickupPoint, name: str, address: str, hours: dict[int, tuple[time, time]]
) -> None:
    """Raises BadPickupTimes for hours that close before they open."""
    PickupPoint.update(name=name, address=address or "", hours=hours_rows(hours)).where(
        PickupPoint.id == point.id
    ).execute()


def serving_warehouse(point: PickupPoint | None) -> Warehouse:
    """The warehouse an order at `point` reserves from: the point's, when set and in use;
    without a point (delivery), the delivery warehouse (models/catalog/products.py)."""
    if point is None:
        return Warehouse.for_delivery()
    warehouse = point.warehouse_id and Warehouse.get_or_none(Warehouse.id == point.warehouse_id)
    return warehouse if warehouse and warehouse.active else Warehouse.default()


def set_serving_warehouse(point: PickupPoint, warehouse: Warehouse | None) -> None:
    PickupPoint.update(warehouse=warehouse).where(PickupPoint.id == point.id).execute()


def set_pickup_point_active(point: PickupPoint, active: bool) -> None:
    PickupPoint.update(active=active).where(PickupPoint.id == point.id).execute()


CLOCK = "%H:%M"
WEEKDAYS = range(7)  # Monday 0, as datetime.weekday()


class BadPickupTimes(DomainError):
    message = _l("These pickup times are not possible.")


def parse_clock(text) -> time | None:
    """ "HH:MM" (24 hours) as a time of day; None for anything else."""
    try:
        return datetime.strptime(str(text), CLOCK).time() if text else None
    except ValueError:
        return None


def clock_text(moment: time | None) -> str | None:
    return moment.strftime(CLOCK) if moment else None


def opening_hours(point: PickupPoint) -> dict[int, tuple[time, time]]:
    """{weekday: (opens, closes)} of the point's stored hours; broken entries are skipped."""
    hours = {}
    for entry in point.hours or []:
        opens, closes = parse_clock(entry.get("from")), parse_clock(entry.get("until"))
        if entry.get("day") in WEEKDAYS and opens and closes and opens < closes:
            hours[entry["day"]] = (opens, closes)
    return hours


def hours_rows(hours: dict[int, tuple[time, time]]) -> list[dict]:
    """Opening hours as stored: [{"day", "from", "until"}] in day order. Raises BadPickupTimes
    for a day that does not exist or closes before it opens."""
    rows = []
    for day, (opens, closes) in sorted(hours.items()):
        if day not in WEEKDAYS or closes <= opens:
            raise BadPickupTimes()
        rows.append({"day": day, "from": clock_text(opens), "until": clock_text(closes)})
    return rows


def _window(day: date, opens: time, closes: time) -> PickupWindow:
    return PickupWindow(to_utc(datetime.combine(day, opens)), to_utc(datetime.combine(day, closes)))


def next_opening(point: PickupPoint, after: datetime) -> PickupWindow | None:
    """The point's first opening that starts after `after` (naive UTC); None without hours."""
    hours = opening_hours(point)
    if not hours:
        return None
    local = after.replace(tzinfo=UTC).astimezone(shop_zone())
    for offset in range(8):  # later today, or at the latest the same weekday next week
        day = local.date() + timedelta(days=offset)
        if day.weekday() in hours:
            window = _window(day, *hours[day.weekday()])
            if window.starts_at > after:
                return window
    return None


def pickup_day(settings: dict | None) -> tuple[date, time | None, time | None] | None:
    """The activity's pickup day and its hours (None, None without), or None."""
    given = read_setting(settings, "pickup_window") or {}
    try:
        day = date.fromisoformat(given.get("date") or "")
    except (TypeError, ValueError):
        return None
    opens, closes = parse_clock(given.get("from")), parse_clock(given.get("until"))
    return (day, opens, closes) if opens and closes and opens < closes else (day, None, None)


def pickup_window_setting(day: date | None, opens: time | None, closes: time | None, deadline):
    """The settings value for a pickup day (None without one), checked against the
    activity's deadline (naive UTC or None). Raises BadPickupTimes; its `details["field"]`
    names what is wrong: "day", "from" or "until"."""
    if day is None:
        if opens or closes:
            raise BadPickupTimes(_l("Choose the pickup day too."), field="day")
        return None
    if bool(opens) != bool(closes):
        raise BadPickupTimes(
            _l("Give both times, or neither to use each point's opening hours."),
            field="until" if opens else "from",
        )
    if opens and closes <= opens:
        raise BadPickupTimes(_l("The pickup must end after it starts."), field="until")
    if deadline and to_utc(datetime.combine(day, opens or time(23, 59))) <= deadline:
        raise BadPickupTimes(_l("The pickup must start after the deadline."), field="day")
    return {"date": day.isoformat(), "from": clock_text(opens), "until": clock_text(closes)}


def window_for(
    settings: dict | None, deadline: datetime | None, point: PickupPoint, now: datetime
) -> PickupWindow | None:
    """The pickup window an order placed `now` at `point` gets (module docstring)."""
    chosen = pickup_day(settings)
    if chosen is None:
        return next_opening(point, max(now, deadline) if deadline else now)
    day, opens, closes = chosen
    if opens is None:
        hours = opening_hours(point).get(day.weekday())
        if hours is None:
            return None
        opens, closes = hours
    return _window(day, opens, closes)


def pickup_day_passed(settings: dict | None, now: datetime | None = None) -> bool:
    """Whether the activity's pickup day is before today on the shop's clock."""
    chosen = pickup_day(settings)
    today = (now or utcnow()).replace(tzinfo=UTC).astimezone(shop_zone()).date()
    return chosen is not None and chosen[0] < today


def closed_on_pickup_day(settings: dict | None, points: list[PickupPoint]) -> list[PickupPoint]:
    """The points with no hours on the activity's pickup day when it gives none itself."""
    chosen = pickup_day(settings)
    if chosen is None or chosen[1] is not None:
        return []
    return [p for p in points if chosen[0].weekday() not in opening_hours(p)]
