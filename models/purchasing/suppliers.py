"""Suppliers: who the shop buys from (name, contact person, phone, a note)."""

from dataclasses import asdict, dataclass

from flask_babel import lazy_gettext as _l
from peewee import BooleanField, CharField, DateTimeField, TextField

from models.audit.log import record
from models.base import BaseModel, utcnow
from models.db import db
from models.errors import DomainError

MAX_NAME, MAX_CONTACT, MAX_PHONE = 100, 100, 40


class Supplier(BaseModel):
    name = CharField(max_length=MAX_NAME)
    contact = CharField(max_length=MAX_CONTACT, default="")
    phone = CharField(max_length=MAX_PHONE, default="")
    note = TextField(default="")
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)


@dataclass(frozen=True)
class SupplierDetails:
    name: str
    contact: str = ""
    phone: str = ""
    note: str = ""


class BadSupplier(DomainError):
    """details["field"]: the field that is wrong."""

    message = _l("Give the supplier a name of at most 100 characters.")


def _checked(details: SupplierDetails) -> SupplierDetails:
    details = SupplierDetails(*(value.strip() for value in asdict(details).values()))
    if not details.name or len(details.name) > MAX_NAME:
        raise BadSupplier(field="name")
    if len(details.contact) > MAX_CONTACT:
        raise BadSupplier(_l("At most 100 characters."), field="contact")
    if len(details.phone) > MAX_PHONE:
        raise BadSupplier(_l("At most 40 characters."), field="phone")
    return details


def create_supplier(details: SupplierDetails) -> Supplier:
    """Raises BadSupplier."""
    details = _checked(details)
    with db.atomic():
        supplier = Supplier.create(**asdict(details))
        record("supplier.created", f"{supplier.name} #{supplier.id}", after=asdict(details))
    return supplier


class SupplierChanged(DomainError):
    message = _l(
        "Someone changed this supplier meanwhile. What they saved is shown; make your change again."
    )


def update_supplier(
    supplier: Supplier, seen: SupplierDetails, details: SupplierDetails, *, active: bool
) -> Supplier:
    """Save `details` over the supplier as it was when the form was opened (`seen`): when
    someone saved it meanwhile, nothing is written and SupplierChanged is raised. Raises
    BadSupplier."""
    details = _checked(details)
    with db.atomic():
        changed = (
            Supplier.update(**asdict(details), active=active)
            .where(
                Supplier.id == supplier.id,
                *(getattr(Supplier, name) == value for name, value in asdict(seen).items()),
            )
            .execute()
        )
        if not changed:
            raise SupplierChanged()
        record(
            "supplier.updated",
            f"{details.name} #{supplier.id}",
            before={**asdict(seen), "active": supplier.active},
            after={**asdict(details), "active": active},
        )
    return Supplier.get_by_id(supplier.id)


def details_of(supplier: Supplier) -> SupplierDetails:
    return SupplierDetails(supplier.name, supplier.contact, supplier.phone, supplier.note)


def supplier_list() -> list[Supplier]:
    return list(Supplier.select().where(Supplier.active == True).order_by(Supplier.name))  # noqa: E712
