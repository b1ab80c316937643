"""Counted places of an activity: its order cap, one customer's orders, a time slot's bookings.

Each is a row (template, key, taken) bumped by one conditional UPDATE, like stock, so two
customers racing for the last place cannot both get it. Every placed order takes its places
(with or without a limit, so the counts stay true when an admin adds a limit later) and a
cancelled order gives them back.
"""

from peewee import CharField, Check, ForeignKeyField, IntegerField

from models.activities.template import FormTemplate
from models.base import BaseModel

ORDERS = "orders"


def customer_key(customer_id: int) -> str:
    return f"customer:{customer_id}"


def slot_key(field_name: str, slot_id: str) -> str:
    return f"slot:{field_name}:{slot_id}"


class Allotment(BaseModel):
    template = ForeignKeyField(FormTemplate, backref="allotments", on_delete="CASCADE")
    key = CharField()
    taken = IntegerField(default=0, constraints=[Check("taken >= 0")])

    class Meta:
        indexes = ((("template", "key"), True),)


def try_take(template_id: int, key: str, capacity: int | None) -> bool:
    """Take one place of `key`; False when `capacity` places are already taken."""
    Allotment.insert(template=template_id, key=key, taken=0).on_conflict_ignore().execute()
    query = Allotment.update(taken=Allotment.taken + 1).where(
        Allotment.template == template_id, Allotment.key == key
    )
    if capacity is not None:
        query = query.where(Allotment.taken < capacity)
    return query.execute() == 1


def give_back(template_id: int, keys: list[str]) -> None:
    """Return one place of each key (a cancelled order's)."""
    if keys:
        Allotment.update(taken=Allotment.taken - 1).where(
            Allotment.template == template_id, Allotment.key.in_(keys), Allotment.taken > 0
        ).execute()


def taken(template_id: int, keys: list[str]) -> dict[str, int]:
    """{key: places taken} for `keys` (0 for keys never taken), in one query."""
    rows = Allotment.select(Allotment.key, Allotment.taken).where(
        Allotment.template == template_id, Allotment.key.in_(keys)
    )
    return {key: 0 for key in keys} | {row.key: row.taken for row in rows}
