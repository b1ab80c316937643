"""What a customer who proved their phone number sees on /my."""

from peewee import JOIN

from models.customer import Customer
from models.form_template import FormTemplateVersion
from models.order import Order
from models.pickup import PickupPoint


def orders_of_phone(phone: str):
    """Every order placed with this E.164 phone, newest first, with its activity's title and
    its pickup point."""
    return (
        Order.select(Order, FormTemplateVersion, PickupPoint)
        .join(Customer)
        .switch(Order)
        .join(FormTemplateVersion)
        .switch(Order)
        .join(PickupPoint, JOIN.LEFT_OUTER)
        .where(Customer.phone == phone)
        .order_by(Order.created_at.desc(), Order.id.desc())
    )
