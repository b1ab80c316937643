"""Places where customers collect their goods, and when."""

from dataclasses import dataclass
from datetime import datetime

from peewee import BooleanField, CharField, JSONField, TextField

from models.base import BaseModel


class PickupPoint(BaseModel):
    name = CharField()
    address = TextField(default="")
    # Opening hours on the shop's clock, one range per weekday (Monday 0), in day order:
    # [{"day": 5, "from": "10:00", "until": "12:00"}] (models/pickup_windows.py)
    hours = JSONField(default=list)
    active = BooleanField(default=True)


@dataclass(frozen=True)
class PickupWindow:
    """When an order is to be collected: naive UTC, the end after the start."""

    starts_at: datetime
    ends_at: datetime
