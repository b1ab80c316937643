"""Tags on a customer (`Customer.tags`), added and removed by staff from an order's page or
the customer's own page (/customers/<id>), or added by a rule's `add_tag` action
(models/automation/actions/tag.py). Tags compare without case or surrounding spaces, so "VIP"
and " vip" are one tag; the first spelling is kept.

A change made from an order's page also writes a timeline event on that order
(models/orders/notes.py `tag_customer`, `untag_customer`).
"""

from flask_babel import lazy_gettext as _l

from models.customers.customer import Customer
from models.db import db, is_postgres, locked
from models.errors import DomainError
from models.matching import fold

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


def add_tag(customer_id: int, tag: str) -> str:
    """Give the customer the tag; return it as stored. Raises InvalidTag (blank or too long)
    and DuplicateTag."""
    tag = (tag or "").strip()
    if not tag or len(tag) > MAX_TAG_LENGTH:
        raise InvalidTag()
    with db.atomic():
        if not add_customer_tag(customer_id, tag):
            raise DuplicateTag()
    return tag


def remove_tag(customer_id: int, tag: str) -> str | None:
    """Take the tag off the customer; return it as it was written, or None when they did not
    have it (someone removed it a moment ago), which changes nothing."""
    with db.atomic():
        tags = _tags_for_change(customer_id)
        kept = [t for t in tags if fold(t) != fold(tag)]
        if len(kept) == len(tags):
            return None
        Customer.update(tags=kept).where(Customer.id == customer_id).execute()
    return next(t for t in tags if fold(t) == fold(tag))


def tags_in_use(*, spellings: bool = False) -> list[str]:
    """The tags customers have, one per tag regardless of case, sorted; with `spellings`,
    every way they are written."""
    if is_postgres():
        sql = "SELECT DISTINCT jsonb_array_elements_text(tags) FROM customer WHERE tags <> '[]'"
    else:  # the comparison skips untagged customers before their JSON is read
        sql = (
            "SELECT DISTINCT tag.value FROM customer, json_each(customer.tags) AS tag "
            "WHERE customer.tags <> '[]'"
        )
    written = sorted({tag for (tag,) in db.execute_sql(sql) if isinstance(tag, str)})
    if spellings:
        return written
    return sorted({fold(tag): tag for tag in reversed(written)}.values(), key=fold)
