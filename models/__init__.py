"""Data and domain rules. Views call the functions here; they never write rows themselves."""

from models.allotment import Allotment
from models.answer_text import OrderAnswerText
from models.catalog import Product, Stock, Warehouse
from models.customer import Customer
from models.db import db
from models.deliveries import Delivery, InboxMessage
from models.export_job import ExportJob
from models.form_template import FormTemplate, FormTemplateVersion
from models.latest_order import LatestOrder
from models.login_code import LoginCode
from models.order import Counter, Note, Order, OrderEvent, OrderLine
from models.outbox import Outbox
from models.payments import Payment
from models.pickup import PickupPoint
from models.product_admin import StockMovement
from models.rules import Rule
from models.saved_view import SavedView
from models.sign_in_throttle import SignInAttempt
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
    SavedView,
    OrderAnswerText,
    LoginCode,
    Allotment,
    Outbox,
    Delivery,
    InboxMessage,
    ExportJob,
    Rule,
    Payment,
    StockMovement,
    LatestOrder,
    SignInAttempt,
]

__all__ = [
    "ALL_MODELS",
    "Allotment",
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
    "StockMovement",
    "User",
    "Warehouse",
    "db",
]
