"""An order a staff member enters for a customer: placed by the activity's checkout (its rules,
stock reserved all-or-nothing) with the source "staff", and in the same transaction the entry
(who, by which channel) and its timeline event. The page's submission key makes a double submit
one order."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from peewee import CharField, DateTimeField, ForeignKeyField

from models.accounts.user import User
from models.activities.template import FormTemplate, FormTemplateVersion
from models.base import BaseModel, utcnow
from models.db import db
from models.orders.checkout import submit_order
from models.orders.order import Order, OrderEvent
from models.orders.status import OrderSource

CHANNELS = {
    "phone": _l("Phone call"),
    "walk_in": _l("Walk-in"),
    "chat": _l("Chat message"),
}


class StaffEntry(BaseModel):
    """Who entered an order for the customer, and how the customer asked."""

    order = ForeignKeyField(Order, unique=True, on_delete="CASCADE")
    channel = CharField(max_length=16)
    entered_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)

    @property
    def channel_label(self):
        return CHANNELS.get(self.channel, self.channel)


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    address: str = ""


def enter_order(
    template: FormTemplate,
    version: FormTemplateVersion,
    *,
    by: User,
    channel: str,
    contact: Contact,
    quantities: dict[int, int],
    fulfilment: str | None,
    submission_key: str,
) -> tuple[Order, bool]:
    """Place the order `by` took for the customer `contact`; return (order, created). The same
    `submission_key` again answers with the order it placed. Raises what checkout raises
    (OutOfStock, ActivityNotOpen, NoSuchPickupPoint, ...), having placed nothing."""
    if channel not in CHANNELS:
        raise ValueError(channel)
    with db.atomic():
        order, created = submit_order(
            template,
            version,
            answers={"name": contact.name, "phone": contact.phone, "address": contact.address},
            quantities=quantities,
            fulfilment=fulfilment,
            address=contact.address,
            submission_key=f"staff:{submission_key}",
            locale="zh_CN",
            source=OrderSource.STAFF,
        )
        if created:
            StaffEntry.create(order=order.id, channel=channel, entered_by=by.id)
            OrderEvent.create(
                order=order.id,
                kind="entered",
                actor_kind=by.role if by.role in ("staff", "admin") else "staff",
                actor_user=by.id,
                actor_label=by.name,
                note=channel,
            )
    return order, created


@dataclass(frozen=True)
class Source:
    """How an order came, as shown to staff: the source's words, and for an entered order who
    entered it and by which channel."""

    label: str
    entry: StaffEntry | None = None


def source_of(order: Order) -> Source:
    try:
        source = OrderSource(order.source)
    except ValueError:
        source = OrderSource.FORM
    entry = StaffEntry.get_or_none(StaffEntry.order == order.id)
    return Source(source.label, entry)
