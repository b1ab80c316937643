"""Customers, known by their phone number in E.164 form."""

from peewee import EXCLUDED, CharField, DateTimeField, ForeignKeyField, JSONField

from models.base import BaseModel, utcnow
from models.customers.phones import InvalidPhone, normalize_phone
from models.customers.tier import CustomerTier
from models.statements import Slot, Statement, instances


def mask_name(name: str) -> str:
    """张三丰 -> 张**, Alice -> A**: the first character and a fixed mask, which tells
    nothing of the name's length."""
    return f"{(name or '').strip()[:1]}**"


class Customer(BaseModel):
    name = CharField()
    phone = CharField(unique=True)
    phone_last4 = CharField(max_length=4, index=True)
    tags = JSONField(default=list)  # labels rules give the customer (automation/actions/tag.py)
    created_at = DateTimeField(default=utcnow)
    # kept by models/tiers/assign.py from the customers rollup (docs/customers.md, "Tiers")
    tier = ForeignKeyField(CustomerTier, null=True, on_delete="SET NULL")

    @classmethod
    def find_or_create(cls, name: str, phone: str) -> "Customer":
        """The customer with this phone (any format), created if new, its name updated when a
        new one is given; call inside a transaction. One statement, two for a returning
        customer whose name is unchanged."""
        e164, name = normalize_phone(phone), name.strip()
        row = _UPSERT.one(name=name, phone=e164, last4=e164[-4:], now=utcnow())
        if row is None:  # known, and the name is the same (or none was given)
            row = _BY_PHONE.one(phone=e164)
        return instances(cls, COLUMNS, [row])[0]

    @classmethod
    def tier_of_phone(cls, phone: str) -> int | None:
        """The tier id of the customer with this phone (any format); None when the number is
        not valid, not known or its customer has no tier. One statement (none when invalid)."""
        try:
            e164 = normalize_phone(phone)
        except InvalidPhone:
            return None
        row = _TIER_BY_PHONE.one(phone=e164)
        return row[0] if row else None


COLUMNS = [Customer._meta.fields[name] for name in Customer._meta.sorted_field_names]
_UPSERT = Statement(
    lambda: Customer.insert(
        name=Slot("name"), phone=Slot("phone"), phone_last4=Slot("last4"), tags=[],
        created_at=Slot("now"),
    )
    .on_conflict(
        conflict_target=[Customer.phone],
        update={Customer.name: EXCLUDED.name},
        where=(EXCLUDED.name != "") & (Customer.name != EXCLUDED.name),
    )
    .returning(*COLUMNS)
)  # fmt: skip
_BY_PHONE = Statement(lambda: Customer.select(*COLUMNS).where(Customer.phone == Slot("phone")))
_TIER_BY_PHONE = Statement(
    lambda: Customer.select(Customer.tier).where(Customer.phone == Slot("phone"))
)
