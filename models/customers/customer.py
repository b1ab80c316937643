"""Customers, known by their phone number in E.164 form."""

from peewee import CharField, DateTimeField, ForeignKeyField, JSONField

from models.base import BaseModel, utcnow
from models.customers.phones import normalize_phone
from models.customers.tier import CustomerTier


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
        """The customer with this phone (any format), created if new; call inside a transaction."""
        e164 = normalize_phone(phone)
        customer, created = cls.get_or_create(
            phone=e164, defaults={"name": name.strip(), "phone_last4": e164[-4:]}
        )
        if not created and name.strip() and customer.name != name.strip():
            customer.name = name.strip()
            customer.save(only=[cls.name])
        return customer
