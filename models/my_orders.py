"""What a customer who proved their phone number sees on /my."""

from models.customer import Customer
from models.form_template import FormTemplateVersion
from models.order import Order


def orders_of_phone(phone: str):
    """Every order placed with this E.164 phone, newest first, with its activity's title."""
    return (
        Order.select(Order, FormTemplateVersion)
        .join(Customer)
        .switch(Order)
        .join(FormTemplateVersion)
        .where(Customer.phone == phone)
        .order_by(Order.created_at.desc(), Order.id.desc())
    )
