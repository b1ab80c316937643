"""Places where customers collect their goods."""

from peewee import BooleanField, CharField, TextField

from models.base import BaseModel


class PickupPoint(BaseModel):
    name = CharField()
    address = TextField(default="")
    window = CharField(default="")  # e.g. "Sat 10:00–12:00", shown as typed
    active = BooleanField(default=True)
