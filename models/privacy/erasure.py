"""Anonymising a customer (PIPL's deletion): on an admin's confirmation, or by the retention
setting for customers with no order for N months. Irreversible, in one transaction:

- the customer's name, phone and tags are erased (the phone becomes `erased-<id>`, which no
  real number matches, so the same person ordering again is a new customer);
- on each of their orders the personal answers (text, long text, address, phone, email) and the
  delivery address are erased, and so are the notes on them, the customer's own words in the
  timeline, the messages sent about them (recipient, subject, body) and payment screenshots;
- their sign-in codes are deleted.

Order numbers, statuses, lines, totals, payments and stock movements stay: the books and the
stock still add up. An audit entry records who did it, naming the customer only by id.
"""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from peewee import JOIN, fn

from models.audit.log import Actor, AuditEntry, acting, record
from models.base import utcnow
from models.customers.customer import Customer
from models.db import db, locked
from models.errors import DomainError
from models.messaging.deliveries import Delivery, InboxMessage
from models.orders.order import Note, Order, OrderEvent
from models.payments.claims import PaymentClaim
from models.storefront.login_code import LoginCode
from models.uploads import storage

ERASED = "—"
ERASED_PHONE_PREFIX = "erased-"
PERSONAL_FIELD_TYPES = frozenset({"short_text", "long_text", "address", "phone", "email"})


class ConfirmationMismatch(DomainError):
    message = _l("Type the last 4 digits of the customer's phone number to confirm.")


class AlreadyAnonymised(DomainError):
    message = _l("This customer's personal data was already erased.")


def is_anonymised(customer: Customer) -> bool:
    return customer.phone.startswith(ERASED_PHONE_PREFIX)


def anonymise_customer(customer: Customer, *, confirmation: str) -> Customer:
    """Erase the customer's personal data (see above) once `confirmation` is their phone's last
    4 digits. Raises ConfirmationMismatch or AlreadyAnonymised."""
    if is_anonymised(customer):
        raise AlreadyAnonymised()
    if confirmation.strip() != customer.phone_last4:
        raise ConfirmationMismatch()
    return _anonymise(customer.id, reason="request")


def _anonymise(customer_id: int, *, reason: str) -> Customer:
    with db.atomic():
        customer = locked(Customer.select().where(Customer.id == customer_id)).get()
        if is_anonymised(customer):
            raise AlreadyAnonymised()
        phone = customer.phone
        orders = list(Order.select().where(Order.customer == customer.id))
        screenshots = _erase_orders(orders)
        LoginCode.delete().where(LoginCode.phone == phone).execute()
        Customer.update(
            name=ERASED,
            phone=f"{ERASED_PHONE_PREFIX}{customer.id}",
            phone_last4="",
            tags=[],
        ).where(Customer.id == customer.id).execute()
        record(
            "customer.anonymised",
            _subject(customer.id),
            after={"orders": len(orders), "reason": reason},
        )
    for name in screenshots:  # after the commit: a failed erase keeps the photos it still needs
        storage().remove(name)
    return Customer.get_by_id(customer_id)


def _erase_orders(orders: list[Order]) -> list[str]:
    """Erase the personal parts of `orders`; return the names of the screenshots to remove."""
    ids = [order.id for order in orders]
    if not ids:
        return []
    for order in orders:
        personal = {
            spec["name"]
            for spec in order.template_version.fields
            if spec.get("type") in PERSONAL_FIELD_TYPES
        }
        answers = {k: (None if k in personal else v) for k, v in (order.answers or {}).items()}
        Order.update(answers=answers, address="", version=Order.version + 1).where(
            Order.id == order.id
        ).execute()
    Note.update(body=ERASED).where(Note.order.in_(ids)).execute()
    OrderEvent.update(actor_label="", note="").where(
        OrderEvent.order.in_(ids), OrderEvent.actor_kind == "customer"
    ).execute()
    Delivery.update(recipient=ERASED, subject=ERASED, body=ERASED).where(
        Delivery.order.in_(ids)
    ).execute()
    InboxMessage.update(title=ERASED, body=ERASED).where(InboxMessage.order.in_(ids)).execute()
    claims = PaymentClaim.select().where(
        PaymentClaim.order.in_(ids), PaymentClaim.screenshot.is_null(False)
    )
    screenshots = [claim.screenshot for claim in claims]
    PaymentClaim.update(screenshot=None).where(PaymentClaim.order.in_(ids)).execute()
    return screenshots


REQUESTED = "customer.erasure_requested"


def _subject(customer_id: int) -> str:
    return f"customer #{customer_id}"


def request_erasure(phone: str, address: str = "") -> None:
    """The customer who proved `phone` on /my asks the shop to erase their data: an audit entry
    that the customer's page shows to admins, who confirm it there. Nothing when the number has
    no customer (the page says the same either way) or a request is already waiting."""
    customer = Customer.get_or_none(Customer.phone == phone)
    if customer is None or erasure_requested_at(customer) is not None:
        return
    with db.atomic(), acting(Actor(name="customer", address=address)):
        record(REQUESTED, _subject(customer.id))


def erasure_requested_at(customer: Customer):
    """When the customer asked for erasure, while it is still to be done (else None)."""
    if is_anonymised(customer):
        return None
    entry = (
        AuditEntry.select(AuditEntry.at)
        .where(AuditEntry.kind == REQUESTED, AuditEntry.subject == _subject(customer.id))
        .order_by(AuditEntry.id.desc())
        .first()
    )
    return entry.at if entry else None


def inactive_customers(months: int, now: datetime | None = None) -> list[int]:
    """Ids of the customers not yet anonymised whose last order (or, with none, whose record)
    is older than `months` (of 30 days)."""
    cutoff = (now or utcnow()) - timedelta(days=30 * months)
    last_order = (
        Order.select(Order.customer, fn.MAX(Order.created_at).alias("last"))
        .group_by(Order.customer)
        .alias("last_order")
    )
    query = (
        Customer.select(Customer.id)
        .join(last_order, on=(last_order.c.customer_id == Customer.id), join_type=JOIN.LEFT_OUTER)
        .where(
            ~Customer.phone.startswith(ERASED_PHONE_PREFIX),
            fn.COALESCE(last_order.c.last, Customer.created_at) < cutoff,
        )
        .order_by(Customer.id)
    )
    return [row.id for row in query]


def anonymise_inactive(months: int, now: datetime | None = None) -> int:
    """The retention setting: anonymise every customer inactive for `months`; how many."""
    done = 0
    for customer_id in inactive_customers(months, now):
        try:
            _anonymise(customer_id, reason=f"retention {months} months")
            done += 1
        except AlreadyAnonymised:  # another run took it a moment ago
            pass
    return done
