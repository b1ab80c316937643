"""Admins keep the list of pickup points; templates choose which of them apply.

Points are never deleted (old orders refer to them); an inactive point is no longer offered.
Opening hours are {weekday: (opens, closes)} on the shop's clock (models/pickup_windows.py);
changing them leaves the windows of orders already placed as they are.
"""

from datetime import time

from models.pickup import PickupPoint
from models.pickup_windows import hours_rows


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


def set_pickup_point_active(point: PickupPoint, active: bool) -> None:
    PickupPoint.update(active=active).where(PickupPoint.id == point.id).execute()
