"""Orders, their lines, their audit trail and staff notes."""

import secrets

from peewee import (
    SQL,
    BigIntegerField,
    CharField,
    Check,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    JSONField,
    TextField,
)

from models.accounts.user import User
from models.activities.pickup import PickupPoint, PickupWindow
from models.activities.template import FormTemplate, FormTemplateVersion
from models.base import BaseModel, utcnow
from models.catalog.products import Product, Warehouse
from models.customers.customer import Customer
from models.orders.status import OrderStatus, PaymentStatus
from models.promotions.offer import Offer
from models.statements import Slot, Statement


def new_tracking_token() -> str:
    return secrets.token_urlsafe(18)


class Counter(BaseModel):
    """Named counters for human numbers, bumped with a single conditional UPDATE."""

    name = CharField(primary_key=True)
    value = IntegerField(default=0)

    @classmethod
    def next(cls, name: str, start: int = 10000) -> int:
        """The next value of `name` (the first is start + 1); call inside the transaction that
        uses it. One statement: the counter's row is locked from here to the commit."""
        return _NEXT.one(name=name, first=start + 1)[0]


_NEXT = Statement(
    lambda: (
        Counter.insert(name=Slot("name"), value=Slot("first"))
        .on_conflict(conflict_target=[Counter.name], update={Counter.value: Counter.value + 1})
        .returning(Counter.value)
    )
)


class Order(BaseModel):
    number = IntegerField(unique=True)
    tracking_token = CharField(unique=True, default=new_tracking_token)
    submission_key = CharField(unique=True)
    # no index of its own where an index below starts with the column (migration 0071)
    template = ForeignKeyField(FormTemplate, backref="orders", index=False)
    template_version = ForeignKeyField(FormTemplateVersion, backref="orders")
    customer = ForeignKeyField(Customer, backref="orders", index=False)
    status = CharField(default=OrderStatus.PENDING)
    payment_status = CharField(default=PaymentStatus.UNPAID, index=True)
    subtotal = IntegerField(default=0)  # fen
    delivery_fee = IntegerField(default=0)  # fen
    discount = IntegerField(default=0)  # fen off the items, by `offer` (models/promotions/)
    offer = ForeignKeyField(Offer, null=True, backref="orders", on_delete="SET NULL")
    total = IntegerField(default=0, constraints=[Check("total >= 0")])  # fen
    answers = JSONField(default=dict)
    pickup_point = ForeignKeyField(PickupPoint, null=True, backref="orders", index=False)
    # when a pickup-point order is to be collected (models/activities/pickup.py); None: no window
    pickup_starts_at = DateTimeField(null=True, index=True)
    pickup_ends_at = DateTimeField(null=True)
    address = TextField(default="")
    assignee = ForeignKeyField(User, null=True, backref="assigned_orders", index=False)
    holds = JSONField(default=list)  # keys of the allotments (places) this order holds
    locale = CharField(default="zh_CN")  # the customer's language when ordering
    source = CharField(default="form")  # how it came: an OrderSource (models/orders/status.py)
    version = IntegerField(default=1)
    created_at = DateTimeField(default=utcnow, index=True)
    updated_at = DateTimeField(default=utcnow)  # shown to people; change detection uses:
    # set by database triggers on every write of the row, whoever makes it (models/orders/changes.py)
    change_seq = BigIntegerField(default=0)
    change_tx = BigIntegerField(default=0)

    class Meta:
        indexes = (
            (("change_tx", "change_seq"), False),  # what changed since a page looked
            (("template", "change_seq"), False),  # the same, for one activity's 接龙 list
            # the counts of an unfiltered board (models/board/queries.py NARROW_COUNTS)
            (("status", "created_at"), False),
            (("template", "created_at"), False),
            (("template", "status", "customer"), False),  # the 接龙 list's counts (migration 0060)
            (("customer", "created_at"), False),
            # The staff board (migrations 0005, 0065): pages by pickup point or assignee, newest
            # first, their counts per status read from the same index, and one index that answers
            # the counts per status of any filter without reading the table.
            (("pickup_point", "created_at", "id", "status"), False),
            (("assignee", "created_at", "id", "status"), False),
            (
                (
                    "status",
                    "created_at",
                    "template",
                    "pickup_point",
                    "assignee",
                    "payment_status",
                    "total",
                ),
                False,
            ),
        )

    @classmethod
    def by_token(cls, token: str):
        return cls.get_or_none(cls.tracking_token == token)

    @property
    def pickup_window(self) -> PickupWindow | None:
        if self.pickup_starts_at is None or self.pickup_ends_at is None:
            return None
        return PickupWindow(self.pickup_starts_at, self.pickup_ends_at)


class OrderLine(BaseModel):
    order = ForeignKeyField(Order, backref="lines", on_delete="CASCADE")
    product = ForeignKeyField(Product, null=True, backref="order_lines")
    warehouse = ForeignKeyField(Warehouse, null=True)
    name = CharField()  # as sold, so renaming a product never rewrites old orders
    unit_price = IntegerField(constraints=[Check("unit_price >= 0")])  # fen
    unit_cost = IntegerField(null=True)  # fen, the product's cost price when sold (None: unknown)
    quantity = IntegerField(constraints=[Check("quantity > 0")])

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity

    @property
    def holds_stock(self) -> bool:
        return self.warehouse_id is not None


ACTOR_KINDS = ("customer", "staff", "admin", "rule", "system")


class OrderEvent(BaseModel):
    """One entry of an order's timeline: who did what, when."""

    order = ForeignKeyField(Order, backref="events", on_delete="CASCADE", index=False)
    kind = CharField()  # created, status, edited, assigned, noted
    from_status = CharField(null=True)
    to_status = CharField(null=True)
    actor_kind = CharField()
    actor_user = ForeignKeyField(User, null=True)
    actor_label = CharField(default="")  # a rule's name, the customer's name
    note = TextField(default="")
    created_at = DateTimeField(default=utcnow)
    # not a column: on the event of an order just placed, the order as it was written (its
    # version with it), so `order_changed`'s receivers need not read it back (models/orders/
    # lifecycle.py `record_placing`); None on every other event
    placed = None

    class Meta:
        indexes = ((("order", "created_at"), False),)
        constraints = [SQL(f"CHECK (actor_kind IN ({', '.join(repr(k) for k in ACTOR_KINDS)}))")]


class Note(BaseModel):
    """A staff note or a record of talking to the customer."""

    order = ForeignKeyField(Order, backref="notes", on_delete="CASCADE")
    author = ForeignKeyField(User)
    kind = CharField(default="note")  # note, call, chat, email, in_person
    body = TextField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("order", "created_at"), False),)
