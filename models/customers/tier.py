"""Customer tiers (会员等级, e.g. 普通 / 银卡 / 金卡): what an admin defines. A customer's tier is
stored on the customer (`Customer.tier`); tier_filter.py finds a tier's customers;
models/tiers/ keeps the tier right and holds the admin's operations (docs/customers.md).

A tier's rule: within the last `days` shop days, completed orders of at least `min_orders` and
spend of at least `min_spend` fen (both: `need` "all"; either: "any"; 0 asks nothing). A
customer is in the highest-ranked tier whose rule they meet, or in none.
"""

from flask_babel import lazy_gettext as _l
from peewee import CharField, DateTimeField, IntegerField

from models.base import BaseModel, utcnow

NEEDS = {"all": _l("Both"), "any": _l("Either")}


class CustomerTier(BaseModel):
    name = CharField(max_length=40, unique=True)
    rank = IntegerField(unique=True)  # higher is better
    min_spend = IntegerField(default=0)  # fen
    min_orders = IntegerField(default=0)  # completed orders
    need = CharField(max_length=8, default="all")  # NEEDS
    days = IntegerField(default=365)  # the window the rule counts over
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    @classmethod
    def ranked(cls):
        """Every tier, the highest first."""
        return cls.select().order_by(cls.rank.desc(), cls.id)

    def admits(self, orders: int, spend: int) -> bool:
        """Whether `orders` completed orders and `spend` fen in the window meet the rule (a
        threshold of 0 asks nothing; a tier that asks nothing admits everyone)."""
        asked = [
            have >= need
            for have, need in ((orders, self.min_orders), (spend, self.min_spend))
            if need
        ]
        if not asked:
            return True
        return all(asked) if self.need == "all" else any(asked)


def tier_names() -> dict[int, str]:
    """{tier id: name}: one small query, for pages that show many customers' tiers."""
    return dict(CustomerTier.select(CustomerTier.id, CustomerTier.name).tuples())
