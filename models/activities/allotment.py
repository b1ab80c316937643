"""Counted places of an activity: its order cap, one customer's orders, a time slot's bookings.

Each is a row (template, key, taken) bumped by one conditional UPDATE, like stock, so two
customers racing for the last place cannot both get it. Every placed order takes its places
(with or without a limit, so the counts stay true when an admin adds a limit later) and a
cancelled order gives them back.
"""

from peewee import CharField, Check, ForeignKeyField, IntegerField

from models.activities.template import FormTemplate
from models.base import BaseModel
from models.statements import Slot, Statement

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


def _taking(capped: bool) -> Statement:
    """Take one place of a key in one statement: the row is made with its first place taken,
    or its count raised while below the capacity; RETURNING says whether a place was taken."""
    return Statement(
        lambda: (
            Allotment.insert(template=Slot("template"), key=Slot("key"), taken=1)
            .on_conflict(
                conflict_target=[Allotment.template, Allotment.key],
                update={Allotment.taken: Allotment.taken + 1},
                where=(Allotment.taken < Slot("capacity")) if capped else None,
            )
            .returning(Allotment.taken)
        )
    )


_TAKE_CAPPED, _TAKE = _taking(True), _taking(False)


def try_take(template_id: int, key: str, capacity: int | None) -> bool:
    """Take one place of `key`; False when `capacity` places are already taken."""
    if capacity is None:
        return _TAKE.one(template=template_id, key=key) is not None
    if capacity <= 0:
        return False
    return _TAKE_CAPPED.one(template=template_id, key=key, capacity=capacity) is not None


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
