"""Admins keep the list of pickup points; templates choose which of them apply.

Points are never deleted (old orders refer to them); an inactive point is no longer offered.
"""

from models.pickup import PickupPoint


def active_pickup_points() -> list[PickupPoint]:
    return list(PickupPoint.select().where(PickupPoint.active == True).order_by(PickupPoint.id))  # noqa: E712


def create_pickup_point(name: str, address: str = "", window: str = "") -> PickupPoint:
    return PickupPoint.create(name=name, address=address or "", window=window or "")


def update_pickup_point(point: PickupPoint, name: str, address: str, window: str) -> None:
    PickupPoint.update(name=name, address=address or "", window=window or "").where(
        PickupPoint.id == point.id
    ).execute()


def set_pickup_point_active(point: PickupPoint, active: bool) -> None:
    PickupPoint.update(active=active).where(PickupPoint.id == point.id).execute()
