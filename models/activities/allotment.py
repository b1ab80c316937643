"""Counted places of an activity: its order cap, one customer's orders, a time slot's bookings.

Each is a row (template, key, taken) bumped by one conditional UPDATE, like stock, so two
customers racing for the last place cannot both get it. Every placed order takes its places
(with or without a limit, so the counts stay true when an admin adds a limit later) and a
cancelled order gives them back.

Two rows count what the public 接龙 list shows, so the order form reads its counts in one
indexed lookup however many orders there are: ORDERS, the orders standing (the activity's
places), and PEOPLE, the customers holding at least one of them. A customer's first standing
order raises PEOPLE in the same statement that takes the ORDERS place, at the end of the order's
transaction (both rows are every order's, so they stay locked the shortest time); their last
one's cancelling lowers it.
"""

from peewee import EXCLUDED, CharField, Check, ForeignKeyField, IntegerField, Value, chunked, fn

from models.activities.template import FormTemplate
from models.base import BaseModel
from models.statements import Slot, Statement

ORDERS = "orders"
PEOPLE = "people"
CUSTOMER = "customer:"  # the start of a customer's key


def customer_key(customer_id: int) -> str:
    return f"{CUSTOMER}{customer_id}"


def slot_key(field_name: str, slot_id: str) -> str:
    return f"slot:{field_name}:{slot_id}"


class Allotment(BaseModel):
    template = ForeignKeyField(FormTemplate, backref="allotments", on_delete="CASCADE", index=False)
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


def try_take(template_id: int, key: str, capacity: int | None) -> int | None:
    """Take one place of `key`: the places now taken, or None when `capacity` places were
    already taken."""
    if capacity is None:
        taken = _TAKE.one(template=template_id, key=key)
    elif capacity <= 0:
        return None
    else:
        taken = _TAKE_CAPPED.one(template=template_id, key=key, capacity=capacity)
    return taken[0] if taken else None


def _order_place(capped: bool, newcomer: bool) -> Statement:
    """Take an ORDERS place, and when `newcomer` count one more person, in one statement; only
    ORDERS has a capacity. RETURNING names the rows it took."""
    keys = [ORDERS, PEOPLE] if newcomer else [ORDERS]
    return Statement(
        lambda: (
            Allotment.insert_many(
                [
                    {Allotment.template: Slot("template"), Allotment.key: k, Allotment.taken: 1}
                    for k in keys
                ]
            )
            .on_conflict(
                conflict_target=[Allotment.template, Allotment.key],
                update={Allotment.taken: Allotment.taken + 1},
                where=((Allotment.key == PEOPLE) | (Allotment.taken < Slot("capacity")))
                if capped
                else None,
            )
            .returning(Allotment.key)
        )
    )


_ORDER_PLACE = {(c, n): _order_place(c, n) for c in (True, False) for n in (True, False)}


def take_order_place(template_id: int, capacity: int | None, *, newcomer: bool) -> bool:
    """Take one of the activity's order places (False: `capacity` are taken); `newcomer`: the
    order is its customer's first standing one here (`try_take` of their key gave 1)."""
    if capacity is not None and capacity <= 0:
        return False
    statement = _ORDER_PLACE[(capacity is not None, newcomer)]
    taken = statement.run(template=template_id, capacity=capacity).fetchall()
    return (ORDERS,) in taken


def give_back(template_id: int, keys: list[str]) -> None:
    """Return one place of each key (a cancelled order's); PEOPLE loses one when a customer's
    key has none left."""
    if not keys:
        return
    after = (
        Allotment.update(taken=Allotment.taken - 1)
        .where(Allotment.template == template_id, Allotment.key.in_(keys), Allotment.taken > 0)
        .returning(Allotment.key, Allotment.taken)
        .tuples()
    )
    if any(key.startswith(CUSTOMER) and taken == 0 for key, taken in after):
        Allotment.update(taken=Allotment.taken - 1).where(
            Allotment.template == template_id, Allotment.key == PEOPLE, Allotment.taken > 0
        ).execute()


_JOINED = Statement(
    lambda: Allotment.select(Allotment.key, Allotment.taken).where(
        Allotment.template == Slot("template"), Allotment.key.in_([ORDERS, PEOPLE])
    )
)


def joined(template_id: int) -> tuple[int, int]:
    """(orders standing, customers holding one) of the activity: what its 接龙 list counts."""
    taken = dict(_JOINED.run(template=template_id).fetchall())
    return taken.get(ORDERS, 0), taken.get(PEOPLE, 0)


def take_in_bulk(places: dict[tuple[int, str], int]) -> None:
    """Take {(template id, key): places} with no capacity (orders loaded in bulk by
    commands/demo/order_generator.py), then count PEOPLE of those activities again."""
    rows = [{"template": t, "key": k, "taken": n} for (t, k), n in places.items() if n]
    for batch in chunked(rows, 300):
        Allotment.insert_many(batch).on_conflict(
            conflict_target=[Allotment.template, Allotment.key],
            update={Allotment.taken: Allotment.taken + EXCLUDED.taken},
        ).execute()
    templates = sorted({t for t, _key in places})
    if templates:
        counted = (
            Allotment.select(Allotment.template, Value(PEOPLE), fn.COUNT(Allotment.id))
            .where(
                Allotment.template.in_(templates),
                Allotment.key.startswith(CUSTOMER),
                Allotment.taken > 0,
            )
            .group_by(Allotment.template)
        )
        Allotment.insert_from(
            counted, [Allotment.template, Allotment.key, Allotment.taken]
        ).on_conflict(
            conflict_target=[Allotment.template, Allotment.key],
            update={Allotment.taken: EXCLUDED.taken},
        ).execute()


def taken(template_id: int, keys: list[str]) -> dict[str, int]:
    """{key: places taken} for `keys` (0 for keys never taken), in one query."""
    rows = Allotment.select(Allotment.key, Allotment.taken).where(
        Allotment.template == template_id, Allotment.key.in_(keys)
    )
    return {key: 0 for key in keys} | {row.key: row.taken for row in rows}
