"""An order's status and payment status: their values, the words shown for them, and the words
of the button that moves an order to a status, in one place. Their colours are the
`.status-<value>` rules of static/css/app.css.

The members are `str`s (StrEnum): stored, compared, put in URLs and templates as their values.
"""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class OrderStatus(StrEnum):
    """Where an order is in its lifecycle (models/orders/lifecycle.py), in lifecycle order."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    PROCESSING = "processing"
    READY = "ready"
    SHIPPED = "shipped"  # handed to an express carrier (models/delivery/shipping.py)
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def label(self):
        """The status as shown (lazy: made in the reader's language)."""
        return STATUS_LABELS[self]

    @property
    def is_open(self):
        return self in OPEN_STATUSES

    @property
    def tone(self):
        return STATUS_TONES[self]


class PaymentStatus(StrEnum):
    UNPAID = "unpaid"
    CLAIMED = "claimed"  # the customer says they paid; staff have not confirmed it yet
    PARTLY_PAID = "partly_paid"  # some paid, the rest outstanding
    PAID = "paid"
    PARTLY_REFUNDED = "partly_refunded"  # part of what was paid given back
    REFUNDED = "refunded"

    @property
    def label(self):
        return PAYMENT_LABELS[self]

    @property
    def tone(self):
        return PAYMENT_TONES[self]


STATUSES = tuple(OrderStatus)
OPEN_STATUSES = (
    OrderStatus.PENDING,
    OrderStatus.CONFIRMED,
    OrderStatus.PROCESSING,
    OrderStatus.READY,
)
PAYMENT_STATUSES = tuple(PaymentStatus)
# Still owing, no claim open; and still taking payments (owing, or claimed).
OWING = (PaymentStatus.UNPAID, PaymentStatus.PARTLY_PAID)
PAYABLE = (*OWING, PaymentStatus.CLAIMED)

STATUS_LABELS = {
    OrderStatus.PENDING: _l("Pending"),
    OrderStatus.CONFIRMED: _l("Confirmed"),
    OrderStatus.PROCESSING: _l("Processing"),
    OrderStatus.READY: _l("Ready"),
    OrderStatus.SHIPPED: _l("Shipped"),
    OrderStatus.COMPLETED: _l("Completed"),
    OrderStatus.CANCELLED: _l("Cancelled"),
}

# What the button that moves an order to each status says.
MOVE_LABELS = {
    OrderStatus.CONFIRMED: _l("Confirm"),
    OrderStatus.PROCESSING: _l("Start processing"),
    OrderStatus.READY: _l("Mark ready"),
    OrderStatus.COMPLETED: _l("Complete"),
    OrderStatus.CANCELLED: _l("Cancel order"),
}

PAYMENT_LABELS = {
    PaymentStatus.UNPAID: _l("Unpaid"),
    PaymentStatus.CLAIMED: _l("Payment claimed"),
    PaymentStatus.PARTLY_PAID: _l("Partly paid"),
    PaymentStatus.PAID: _l("Paid"),
    PaymentStatus.PARTLY_REFUNDED: _l("Partly refunded"),
    PaymentStatus.REFUNDED: _l("Refunded"),
}

STATUS_TONES = {
    OrderStatus.PENDING: "waiting",
    OrderStatus.CONFIRMED: "info",
    OrderStatus.PROCESSING: "busy",
    OrderStatus.READY: "ok",
    OrderStatus.SHIPPED: "info",
    OrderStatus.COMPLETED: "muted",
    OrderStatus.CANCELLED: "danger",
}

PAYMENT_TONES = {
    PaymentStatus.UNPAID: "waiting",
    PaymentStatus.CLAIMED: "info",
    PaymentStatus.PARTLY_PAID: "waiting",
    PaymentStatus.PAID: "plain",
    PaymentStatus.PARTLY_REFUNDED: "muted",
    PaymentStatus.REFUNDED: "muted",
}


class OrderSource(StrEnum):
    """How an order came (`Order.source`): the activity's link, a leader's share link, entered
    by staff on the customer's behalf (models/staff_entry/), or imported from a chat 接龙."""

    FORM = "form"
    LEADER = "leader"
    STAFF = "staff"
    CHAT_IMPORT = "chat_import"
    AFTERSALES = "aftersales"  # an exchange's replacement (models/aftersales/exchange.py)

    @property
    def label(self):
        return SOURCE_LABELS[self]


SOURCE_LABELS = {
    OrderSource.FORM: _l("Activity link"),
    OrderSource.LEADER: _l("Leader's share link"),
    OrderSource.STAFF: _l("Entered by staff"),
    OrderSource.CHAT_IMPORT: _l("Chat 接龙 import"),
    OrderSource.AFTERSALES: _l("After-sales replacement"),
}
