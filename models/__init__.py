"""Data and domain rules. Views call the functions here; they never write rows themselves."""

from models.catalog import Product, Stock, Warehouse
from models.customer import Customer
from models.db import db
from models.form_template import FormTemplate, FormTemplateVersion
from models.order import Counter, Note, Order, OrderEvent, OrderLine
from models.pickup import PickupPoint
from models.user import User

ALL_MODELS = [
    User,
    Customer,
    Warehouse,
    Product,
    Stock,
    PickupPoint,
    FormTemplate,
    FormTemplateVersion,
    Counter,
    Order,
    OrderLine,
    OrderEvent,
    Note,
]

__all__ = [
    "ALL_MODELS",
    "Counter",
    "Customer",
    "FormTemplate",
    "FormTemplateVersion",
    "Note",
    "Order",
    "OrderEvent",
    "OrderLine",
    "PickupPoint",
    "Product",
    "Stock",
    "User",
    "Warehouse",
    "db",
]
