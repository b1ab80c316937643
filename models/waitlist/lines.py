"""The staff's view of the waiting lines (/board/waiting): every place in line by activity, then
product, then line order, filtered by activity and status, in keyset pages (the cursor is the
last entry shown); and a staff member taking someone out of a line, audited."""

from flask_babel import lazy_gettext as _l
from peewee import Tuple

from models.activities.template import FormTemplate
from models.audit.log import record
from models.catalog.products import Product
from models.customers.customer import Customer
from models.db import db
from models.errors import DomainError
from models.waitlist.entry import (
    EXPIRED,
    IN_LINE,
    OFFERED,
    ORDERED,
    WAITING,
    WITHDRAWN,
    WaitlistEntry,
)
from models.waitlist.offers import withdraw

PAGE_SIZE = 50
IN_LINE_FILTER, ALL = "in_line", "all"
STATUS_FILTERS = {  # the filter's value -> the statuses it shows
    IN_LINE_FILTER: IN_LINE,
    WAITING: (WAITING,),
    OFFERED: (OFFERED,),
    ORDERED: (ORDERED,),
    EXPIRED: (EXPIRED,),
    WITHDRAWN: (WITHDRAWN,),
    ALL: (WAITING, OFFERED, ORDERED, EXPIRED, WITHDRAWN),
}


class NotInLine(DomainError):
    message = _l("This customer is no longer in the line.")


def activities_with_lines() -> list[FormTemplate]:
    """The activities anyone ever waited in, by title (the filter's choices)."""
    having = WaitlistEntry.select(WaitlistEntry.template).distinct()
    return list(
        FormTemplate.select().where(FormTemplate.id.in_(having)).order_by(FormTemplate.title)
    )


def lines_page(
    *, activity: int | None, status: str, after: int | None, size: int = PAGE_SIZE
) -> tuple[list[WaitlistEntry], int | None]:
    """One page of places, and the cursor of the next page (None: this is the last)."""
    query = (
        WaitlistEntry.select(WaitlistEntry, Customer, Product, FormTemplate)
        .join_from(WaitlistEntry, Customer)
        .join_from(WaitlistEntry, Product)
        .join_from(WaitlistEntry, FormTemplate)
        .where(WaitlistEntry.status.in_(STATUS_FILTERS.get(status, IN_LINE)))
    )
    if activity:
        query = query.where(WaitlistEntry.template == activity)
    key = Tuple(WaitlistEntry.template, WaitlistEntry.product, WaitlistEntry.id)
    last = WaitlistEntry.get_or_none(WaitlistEntry.id == after) if after else None
    if last is not None:
        query = query.where(key > Tuple(last.template_id, last.product_id, last.id))
    order = (WaitlistEntry.template, WaitlistEntry.product, WaitlistEntry.id)
    rows = list(query.order_by(*order).limit(size + 1))
    return rows[:size], (rows[size - 1].id if len(rows) > size else None)


def remove_from_line(entry: WaitlistEntry) -> None:
    """Staff take the customer out of the line (units held for them go to the next), with an
    audit entry in the same transaction. NotInLine once they are out already."""
    with db.atomic():
        before = WaitlistEntry.get_by_id(entry.id).status
        if not withdraw(entry):
            raise NotInLine()
        record(
            "waitlist.removed",
            f"waiting list #{entry.id}",
            before={"status": before},
            after={"status": WITHDRAWN},
        )
