"""An offer: a coupon code or an automatic 满减, and how often each customer has used it.

Uses are counted like stock: `used` is bumped by one conditional UPDATE (models/promotions/
claims.py), so twenty customers racing for a coupon's last use cannot all get it.
"""

from peewee import (
    SQL,
    BooleanField,
    CharField,
    Check,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
)

from models.activities.template import FormTemplate
from models.base import BaseModel, utcnow
from models.customers.customer import Customer

PERCENT, AMOUNT = "percent", "amount"


class Offer(BaseModel):
    name = CharField()
    code = CharField(null=True, unique=True)  # None: automatic (满减), applied without a code
    kind = CharField(default=AMOUNT)  # PERCENT: `value` % off; AMOUNT: `value` fen off
    value = IntegerField(constraints=[Check("value > 0")])
    min_spend = IntegerField(default=0)  # fen, on the items (delivery not counted)
    total_limit = IntegerField(null=True)  # uses in all; None: no limit
    per_customer_limit = IntegerField(null=True)
    used = IntegerField(default=0, constraints=[Check("used >= 0")])
    starts_at = DateTimeField(null=True)
    ends_at = DateTimeField(null=True)
    template = ForeignKeyField(FormTemplate, null=True, backref="offers", on_delete="CASCADE")
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        constraints = [SQL("CHECK (total_limit IS NULL OR used <= total_limit)")]

    @property
    def automatic(self) -> bool:
        return self.code is None

    @property
    def uses_left(self) -> int | None:
        return None if self.total_limit is None else max(self.total_limit - self.used, 0)


class OfferUse(BaseModel):
    """How many kept orders of one customer used one offer."""

    offer = ForeignKeyField(Offer, backref="uses", on_delete="CASCADE")
    customer = ForeignKeyField(Customer, on_delete="CASCADE")
    used = IntegerField(default=0, constraints=[Check("used >= 0")])

    class Meta:
        indexes = ((("offer", "customer"), True),)
