"""Tags on a customer (`Customer.tags`), added and removed by staff from an order's page or
the customer's own page (/customers/<id>), or added by a rule's `add_tag` action
(models/automation/actions/tag.py). Tags compare without case or surrounding spaces, so "VIP"
and " vip" are one tag; the first spelling is kept.

A change made from an order writes a timeline event on that order: "tagged" or "untagged",
with the tag as its note. A tag is not part of the order, so it never bumps the order's version
and never conflicts with an edit.
"""

from flask_babel import lazy_gettext as _l

from models.automation.conditions import fold
from models.customers.customer import Customer
from models.db import db, locked
from models.errors import DomainError
from models.orders.lifecycle import Actor, record_event
from models.orders.order import Order

MAX_TAG_LENGTH = 40


class InvalidTag(DomainError):
    message = _l("Enter a tag of at most 40 characters.")


class DuplicateTag(DomainError):
    message = _l("The customer already has this tag.")


def _tags_for_change(customer_id: int) -> list[str]:
    """The customer's tags, read under a row lock on PostgreSQL (SQLite's BEGIN IMMEDIATE
    already serialises writers); call inside a transaction."""
    query = Customer.select(Customer.tags).where(Customer.id == customer_id)
    return list(locked(query).get().tags or [])


def add_customer_tag(customer_id: int, tag: str) -> bool:
    """Add `tag` to the customer's tags unless it has it; True if added. Call inside a
    transaction."""
    tags = _tags_for_change(customer_id)
    if fold(tag) in {fold(t) for t in tags}:
        return False
    Customer.update(tags=[*tags, tag]).where(Customer.id == customer_id).execute()
    return True


def add_tag(
    customer_id: int, tag: str, *, order: Order | None = None, actor: Actor | None = None
) -> str:
    """Give the customer the tag; return it as stored. Raises InvalidTag (blank or too long)
    and DuplicateTag. Made on an order's page, `order` gets a "tagged" event by `actor`; made
    on the customer's own page (/customers/<id>), no order's timeline records it."""
    tag = (tag or "").strip()
    if not tag or len(tag) > MAX_TAG_LENGTH:
        raise InvalidTag()
    with db.atomic():
        if not add_customer_tag(customer_id, tag):
            raise DuplicateTag()
        if order is not None:
            record_event(order, actor, kind="tagged", note=tag)
    return tag


def remove_tag(
    customer_id: int, tag: str, *, order: Order | None = None, actor: Actor | None = None
) -> bool:
    """Take the tag off the customer; False when they did not have it (someone removed it a
    moment ago), which changes nothing. `order` and `actor` as for `add_tag`."""
    with db.atomic():
        tags = _tags_for_change(customer_id)
        kept = [t for t in tags if fold(t) != fold(tag)]
        if len(kept) == len(tags):
            return False
        Customer.update(tags=kept).where(Customer.id == customer_id).execute()
        if order is not None:
            removed = next(t for t in tags if fold(t) == fold(tag))
            record_event(order, actor, kind="untagged", note=removed)
    return True


def tag_customer(order: Order, tag: str, actor: Actor) -> str:
    """Give the customer of `order` the tag, from the order's page (`add_tag`)."""
    return add_tag(order.customer_id, tag, order=order, actor=actor)


def untag_customer(order: Order, tag: str, actor: Actor) -> bool:
    """Take the tag off the customer of `order`, from the order's page (`remove_tag`)."""
    return remove_tag(order.customer_id, tag, order=order, actor=actor)
