"""Data and domain rules. Views call the functions here; they never write rows themselves."""

from models.accounts.sign_in import SignInAttempt
from models.accounts.user import User
from models.activities.allotment import Allotment
from models.activities.pickup import PickupPoint
from models.activities.template import FormTemplate, FormTemplateVersion
from models.aftersales.case import AfterSalesCase, CaseEvent, CaseLine, CasePhoto
from models.api.tokens import ApiToken
from models.api.webhooks import WebhookDelivery, WebhookEndpoint
from models.audit.log import AuditEntry
from models.automation.rules import Rule
from models.board.answer_text import OrderAnswerText
from models.board.directory import LatestOrder
from models.board.saved_views import SavedView
from models.catalog.admin import StockMovement
from models.catalog.products import Product, Stock, Warehouse
from models.customers.customer import Customer
from models.db import db
from models.exports.jobs import ExportJob
from models.messaging.deliveries import Delivery, InboxMessage
from models.messaging.outbox import Outbox
from models.orders.order import Counter, Note, Order, OrderEvent, OrderLine
from models.orders.payments import Payment
from models.payments.claims import PaymentClaim
from models.payments.collection_codes import CollectionCode
from models.payments.online import OnlinePayment
from models.payments.refunds import Refund, RefundLine
from models.reports.imports import BillImport, BillLine
from models.reports.rollups import SalesBucket, SalesDay, SalesHour
from models.storefront.login_code import LoginCode

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
    CollectionCode,
    PaymentClaim,
    OnlinePayment,
    Refund,
    RefundLine,
    SalesBucket,
    SalesHour,
    SalesDay,
    BillImport,
    BillLine,
    AuditEntry,
    ApiToken,
    WebhookEndpoint,
    WebhookDelivery,
    AfterSalesCase,
    CaseLine,
    CaseEvent,
    CasePhoto,
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
