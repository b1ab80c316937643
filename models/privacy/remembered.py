"""What a device remembers of its customer: their last order set a signed cookie with only
the customer's id and pickup point (blueprints/customer/returning.py); the next order form
fills in their name, phone and that point from here. An erased or deleted customer is
remembered as no one."""

from collections.abc import Iterable
from dataclasses import dataclass

from models.customers.customer import Customer
from models.privacy.erasure import is_anonymised


@dataclass(frozen=True)
class Remembered:
    name: str
    phone: str  # E.164
    point_id: int | None  # None when the form no longer offers it


def remembered_customer(
    customer_id: int, point_id: int | None, offered_points: Iterable[int]
) -> Remembered | None:
    """The customer to fill in, or None when they no longer exist or were erased; their
    pickup point only while the form still offers it."""
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None or is_anonymised(customer):
        return None
    return Remembered(
        customer.name, customer.phone, point_id if point_id in set(offered_points) else None
    )
