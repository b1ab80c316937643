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
from models.catalog.ledger import StockMovement
from models.catalog.photos import ProductPhoto
from models.catalog.products import (
    Category,
    Product,
    ProductFamily,
    Stock,
    StockBatch,
    Warehouse,
)
from models.catalog.transfers import Transfer, TransferLine
from models.customers.customer import Customer
from models.customers.tier import CustomerTier
from models.db import db
from models.delivery.booking import OrderDelivery
from models.delivery.runs import CourierRun, RunStop
from models.delivery.shipping import Shipment
from models.delivery.windows import DeliveryWindow
from models.delivery.zones import DeliveryZone
from models.exports.jobs import ExportJob
from models.exports.product_sheet.jobs import SheetUpload
from models.groupbuy.group import GroupOutcome
from models.groupbuy.tiers import FinalPrice
from models.leaders.commission import CommissionSettlement
from models.leaders.leader import LeaderPoint, Referral
from models.messaging.deliveries import Delivery, InboxMessage
from models.messaging.outbox import Outbox
from models.orders.order import Counter, Note, Order, OrderEvent, OrderLine
from models.orders.payments import Payment
from models.payments.claims import PaymentClaim
from models.payments.collection_codes import CollectionCode
from models.payments.online import OnlinePayment
from models.payments.refunds import Refund, RefundLine
from models.pickup.codes import PickupCode
from models.promotions.offer import Offer, OfferUse
from models.purchasing.orders import PurchaseLine, PurchaseOrder
from models.purchasing.suppliers import Supplier
from models.ratings.rating import ProductRating, Rating, RatingPhoto
from models.reports.imports import BillImport, BillLine
from models.reports.rollups import (
    CustomerDay,
    CustomerMonth,
    CustomerSpan,
    FunnelMinute,
    SalesBucket,
    SalesDay,
    SalesHour,
)
from models.segments.consent import ContactConsent
from models.segments.messages import SegmentMessage, SegmentRecipient
from models.segments.segment import Segment
from models.staff_entry.entry import StaffEntry
from models.storefront.login_code import LoginCode
from models.tiers.prices import TierPrice
from models.waitlist.entry import WaitlistEntry

ALL_MODELS = [
    User,
    CustomerTier,
    Customer,
    Warehouse,
    Category,
    ProductFamily,
    Product,
    ProductPhoto,
    Stock,
    StockBatch,
    PickupPoint,
    FormTemplate,
    FormTemplateVersion,
    Offer,
    OfferUse,
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
    SheetUpload,
    Rule,
    Payment,
    StockMovement,
    Transfer,
    TransferLine,
    Supplier,
    PurchaseOrder,
    PurchaseLine,
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
    CustomerDay,
    CustomerSpan,
    CustomerMonth,
    FunnelMinute,
    BillImport,
    BillLine,
    AuditEntry,
    ApiToken,
    WebhookEndpoint,
    WebhookDelivery,
    GroupOutcome,
    FinalPrice,
    LeaderPoint,
    Referral,
    CommissionSettlement,
    DeliveryZone,
    DeliveryWindow,
    OrderDelivery,
    CourierRun,
    RunStop,
    Shipment,
    AfterSalesCase,
    CaseLine,
    CaseEvent,
    CasePhoto,
    StaffEntry,
    PickupCode,
    WaitlistEntry,
    Rating,
    ProductRating,
    RatingPhoto,
    ContactConsent,
    Segment,
    SegmentMessage,
    SegmentRecipient,
    TierPrice,
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
    "Transfer",
    "TransferLine",
    "User",
    "Warehouse",
    "db",
]
