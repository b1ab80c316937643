"""An after-sales case, the order lines it is about, and its timeline."""

from enum import StrEnum

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from peewee import SQL, CharField, Check, DateTimeField, ForeignKeyField, IntegerField, TextField

from models.accounts.user import User
from models.base import BaseModel, utcnow
from models.catalog.products import Product
from models.orders.order import ACTOR_KINDS, Order, OrderLine
from models.params import positive_id


class CaseKind(StrEnum):
    """What the customer asks for."""

    RETURN_REFUND = "return_refund"
    EXCHANGE = "exchange"
    REFUND_ONLY = "refund_only"
    REDO = "redo"
    COMPLAINT = "complaint"

    @property
    def label(self):
        return KIND_LABELS[self]

    @property
    def needs_return(self) -> bool:
        """The goods come back to the shop before the case is resolved."""
        return self in (CaseKind.RETURN_REFUND, CaseKind.EXCHANGE)


class CaseStatus(StrEnum):
    """Where a case is (models/aftersales/lifecycle.py), in lifecycle order."""

    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    AWAITING_RETURN = "awaiting_return"
    RECEIVED = "received"
    REFUNDED = "refunded"
    REPLACED = "replaced"
    REDONE = "redone"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @property
    def label(self):
        return STATUS_LABELS[self]


KIND_LABELS = {
    CaseKind.RETURN_REFUND: _l("Return and refund"),
    CaseKind.EXCHANGE: _l("Exchange"),
    CaseKind.REFUND_ONLY: _l("Refund only"),
    CaseKind.REDO: _l("Redo"),
    CaseKind.COMPLAINT: _l("Complaint"),
}

STATUS_LABELS = {
    CaseStatus.REQUESTED: _l("Requested"),
    CaseStatus.APPROVED: _l("Approved"),
    CaseStatus.REJECTED: _l("Rejected"),
    CaseStatus.AWAITING_RETURN: _l("Awaiting return"),
    CaseStatus.RECEIVED: _l("Goods received"),
    CaseStatus.REFUNDED: _l("Refunded"),
    CaseStatus.REPLACED: _l("Replaced"),
    CaseStatus.REDONE: _l("Redone"),
    CaseStatus.CLOSED: _l("Closed"),
    CaseStatus.CANCELLED: _l("Cancelled"),
}

# What happened to a returned line's units when they came back.
RESTOCKED, WRITTEN_OFF = "restocked", "written_off"
DISPOSITIONS = {RESTOCKED: _l("Back to stock"), WRITTEN_OFF: _l("Written off")}


# The counter (models/orders/order.py Counter) case numbers are taken from: 1, 2, 3, ...
NUMBER_COUNTER = "aftersales_case"
DEFAULT_PREFIX = "SH"  # the config CASE_NUMBER_PREFIX when not set


def case_code(number: int) -> str:
    """A case number as people read and type it: the shop's prefix and six digits, SH-000123."""
    prefix = current_app.config.get("CASE_NUMBER_PREFIX") if has_app_context() else None
    return f"{prefix or DEFAULT_PREFIX}-{number:06d}"


def number_from_code(text: str) -> int | None:
    """The case number in what someone typed: "SH-000123", "sh000123", "000123" or "123"."""
    digits = (text or "").strip().upper()
    prefix = current_app.config.get("CASE_NUMBER_PREFIX") if has_app_context() else None
    digits = digits.removeprefix((prefix or DEFAULT_PREFIX).upper()).lstrip("-# ")
    return positive_id(digits)


class AfterSalesCase(BaseModel):
    # per shop, from 1 (`code`: SH-000001), taken in the transaction that opens the case
    number = IntegerField(unique=True)
    order = ForeignKeyField(Order, backref="aftersales_cases", on_delete="CASCADE")
    kind = CharField(max_length=16)  # CaseKind
    status = CharField(max_length=16, default=CaseStatus.REQUESTED)  # CaseStatus
    reason = CharField(max_length=64, default="")  # one of the shop's reasons, as chosen
    details = TextField(default="")  # the customer's own words
    preferred = CharField(max_length=16, default="")  # the resolution the customer prefers
    answer = TextField(default="")  # the shop's latest word to the customer (a rejection's reason)
    assignee = ForeignKeyField(User, null=True, on_delete="SET NULL")
    version = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow, index=True)
    updated_at = DateTimeField(default=utcnow)
    first_answer_at = DateTimeField(null=True)  # when staff first moved it on
    closed_at = DateTimeField(null=True)
    reminded_at = DateTimeField(
        null=True
    )  # staff reminded it is overdue (models/aftersales/sla.py)
    # an exchange: the order its approval placed for the replacement (models/aftersales/exchange.py)
    replacement_order = ForeignKeyField(
        Order, null=True, unique=True, backref="replaced_cases", on_delete="SET NULL"
    )
    # a redo: when the shop does it again (UTC; models/aftersales/redo.py)
    redo_starts_at = DateTimeField(null=True)
    redo_ends_at = DateTimeField(null=True)

    class Meta:
        table_name = "aftersales_case"
        indexes = ((("status", "created_at"), False), (("order", "created_at"), False))

    @property
    def code(self) -> str:
        """The case's number as shown everywhere: SH-000123."""
        return case_code(self.number)

    @property
    def kind_label(self):
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def status_label(self):
        return STATUS_LABELS.get(self.status, self.status)


class CaseLine(BaseModel):
    """Units of one order line the case is about; `disposition` once they came back."""

    case = ForeignKeyField(AfterSalesCase, backref="lines", on_delete="CASCADE")
    line = ForeignKeyField(OrderLine, on_delete="CASCADE")
    quantity = IntegerField(constraints=[Check("quantity > 0")])
    disposition = CharField(max_length=16, null=True)  # DISPOSITIONS
    # an exchange for another product of the activity; None: the same product again
    replacement_product = ForeignKeyField(Product, null=True, on_delete="SET NULL")

    class Meta:
        table_name = "aftersales_case_line"
        indexes = ((("case", "line"), True),)


class CaseEvent(BaseModel):
    """One entry of a case's timeline: who did what, when."""

    case = ForeignKeyField(AfterSalesCase, backref="events", on_delete="CASCADE")
    kind = CharField(max_length=16)  # opened, status, noted, messaged
    from_status = CharField(max_length=16, null=True)
    to_status = CharField(max_length=16, null=True)
    actor_kind = CharField(max_length=16)
    actor_user = ForeignKeyField(User, null=True, on_delete="SET NULL")
    actor_label = CharField(default="")
    note = TextField(default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "aftersales_case_event"
        indexes = ((("case", "created_at"), False),)
        constraints = [SQL(f"CHECK (actor_kind IN ({', '.join(repr(k) for k in ACTOR_KINDS)}))")]


class CasePhoto(BaseModel):
    """A photo the customer attached (models/uploads.py names): the image and its thumbnail."""

    case = ForeignKeyField(AfterSalesCase, backref="photos", on_delete="CASCADE")
    image = CharField(max_length=80)
    thumbnail = CharField(max_length=80)

    class Meta:
        table_name = "aftersales_case_photo"
