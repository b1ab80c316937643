"""成团: an activity whose version sets `group_minimum` happens only if that many people
(`group_minimum_by` "people", the default) or units ("units") join by its deadline.

People are distinct customers with an order that is not cancelled; units the quantities of
those orders' lines. At the deadline the outcome is written once (GroupOutcome, one row per
activity); models/groupbuy/settle.py acts on it.
"""

from dataclasses import dataclass

from peewee import BooleanField, DateTimeField, ForeignKeyField, IntegerField, fn

from models.activities import allotment
from models.activities.template import FormTemplate, FormTemplateVersion
from models.base import BaseModel, utcnow
from models.orders.order import Order, OrderLine
from models.orders.status import OrderStatus

PEOPLE, UNITS = "people", "units"


class GroupOutcome(BaseModel):
    """Whether an activity's group formed, decided once at its deadline (every activity gets
    one, formed when it needed no group, so the deadline step looks at it once)."""

    template = ForeignKeyField(FormTemplate, unique=True, on_delete="CASCADE")
    formed = BooleanField()
    joined = IntegerField()  # people or units at the deadline
    minimum = IntegerField()  # 0: the activity needed no group
    decided_at = DateTimeField(default=utcnow)
    settled = BooleanField(default=False)  # every order cancelled, or every price fixed


@dataclass(frozen=True)
class GroupProgress:
    minimum: int
    by: str  # PEOPLE or UNITS
    joined: int

    @property
    def missing(self) -> int:
        return max(self.minimum - self.joined, 0)

    @property
    def formed(self) -> bool:
        return self.missing == 0


def group_minimum(version: FormTemplateVersion) -> tuple[int, str] | None:
    """(minimum, PEOPLE or UNITS) when the version needs a group, else None."""
    minimum = version.setting("group_minimum")
    if not isinstance(minimum, int) or isinstance(minimum, bool) or minimum < 1:
        return None
    return minimum, UNITS if version.setting("group_minimum_by") == UNITS else PEOPLE


def joined(template_id: int, by: str) -> int:
    """People (distinct customers, the activity's counted places: one read at any size) or
    units on the activity's orders that are not cancelled."""
    if by != UNITS:
        return allotment.joined(template_id)[1]
    kept = (Order.template == template_id) & (Order.status != OrderStatus.CANCELLED)
    query = OrderLine.select(fn.COALESCE(fn.SUM(OrderLine.quantity), 0)).join(Order)
    return int(query.where(kept).scalar() or 0)


def group_progress(version: FormTemplateVersion) -> GroupProgress | None:
    """How far the activity is from forming its group (None: it needs none)."""
    needed = group_minimum(version)
    if needed is None:
        return None
    minimum, by = needed
    return GroupProgress(minimum, by, joined(version.template_id, by))
