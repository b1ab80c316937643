"""A place in a product's waiting list, and joining it. The entry's unguessable `token` is its
link: whoever holds it is the customer, as with an order's tracking link.

Statuses: waiting (in line), offered (units held for them until `hold_until`), ordered (the
offer became `order`), expired (the hold ran out), withdrawn (they left the line)."""

import secrets

from flask_babel import lazy_gettext as _l
from peewee import CharField, Check, DateTimeField, ForeignKeyField, IntegerField, fn

from models.activities.published import offered_products
from models.activities.template import FormTemplate, FormTemplateVersion
from models.base import BaseModel, utcnow
from models.catalog import stock
from models.catalog.products import Product, Warehouse
from models.customers.customer import Customer
from models.db import db
from models.errors import DomainError
from models.orders.order import Order

WAITING, OFFERED, ORDERED, EXPIRED, WITHDRAWN = (
    "waiting",
    "offered",
    "ordered",
    "expired",
    "withdrawn",
)
IN_LINE = (WAITING, OFFERED)
MAX_QUANTITY = 99


def new_token() -> str:
    return secrets.token_urlsafe(18)


class WaitlistEntry(BaseModel):
    token = CharField(unique=True, default=new_token)
    template = ForeignKeyField(FormTemplate, on_delete="CASCADE")
    product = ForeignKeyField(Product, on_delete="CASCADE")
    customer = ForeignKeyField(Customer, on_delete="CASCADE")
    quantity = IntegerField(constraints=[Check("quantity > 0")])
    status = CharField(max_length=16, default=WAITING)
    created_at = DateTimeField(default=utcnow)
    offered_at = DateTimeField(null=True)
    hold_until = DateTimeField(null=True, index=True)  # while offered
    warehouse = ForeignKeyField(Warehouse, null=True)  # where the offered units are held
    order = ForeignKeyField(Order, null=True, on_delete="SET NULL")

    class Meta:
        indexes = ((("product", "status", "id"), False),)  # the line of a product, in order


# One place in line per customer and product (migration 0049 makes it a partial unique index).
WaitlistEntry.add_index(
    WaitlistEntry.index(
        WaitlistEntry.product, WaitlistEntry.customer, unique=True, name="waitlist_one_place"
    ).where(WaitlistEntry.status.in_(IN_LINE))
)


class NotOnTheList(DomainError):
    message = _l("Choose one of the activity's products.")


class StillAvailable(DomainError):
    message = _l("This is still in stock: order it on the form.")


class BadQuantity(DomainError):
    message = _l("Enter a whole number from 1 to %(most)s.", most=MAX_QUANTITY)


def join(
    template: FormTemplate,
    version: FormTemplateVersion,
    *,
    product_id: int,
    name: str,
    phone: str,
    quantity: int,
) -> WaitlistEntry:
    """Put the customer in the product's line (or answer with their place already in it).
    StillAvailable while the form can still sell them that many."""
    product = offered_products(version).get(product_id)
    if product is None or not product.tracks_stock:
        raise NotOnTheList(field="product")
    if not 0 < quantity <= MAX_QUANTITY:
        raise BadQuantity(field="quantity")
    if stock.available(product.id, Warehouse.default().id) >= quantity:
        raise StillAvailable(field="quantity")
    with db.atomic():
        customer = Customer.find_or_create(name, phone)
        WaitlistEntry.insert(
            token=new_token(),
            template=template.id,
            product=product.id,
            customer=customer.id,
            quantity=quantity,
            status=WAITING,
            created_at=utcnow(),
        ).on_conflict_ignore().execute()
        return WaitlistEntry.get(
            WaitlistEntry.product == product.id,
            WaitlistEntry.customer == customer.id,
            WaitlistEntry.status.in_(IN_LINE),
        )


def waiting(product: Product) -> bool:
    """Someone is in the product's line (the units that free up are theirs first)."""
    return (
        WaitlistEntry.select()
        .where(WaitlistEntry.product == product.id, WaitlistEntry.status.in_(IN_LINE))
        .exists()
    )


def by_token(token: str) -> WaitlistEntry | None:
    return WaitlistEntry.get_or_none(WaitlistEntry.token == token)


def place_in_line(entry: WaitlistEntry) -> int:
    """1 for the first still waiting for the product, and so on."""
    ahead = (
        WaitlistEntry.select(fn.COUNT(WaitlistEntry.id))
        .where(
            WaitlistEntry.product == entry.product_id,
            WaitlistEntry.status == WAITING,
            WaitlistEntry.id < entry.id,
        )
        .scalar()
    )
    return ahead + 1


def line_of(template: FormTemplate) -> list[WaitlistEntry]:
    """The activity's waiting and offered entries, by product then in line order (staff)."""
    return list(
        WaitlistEntry.select(WaitlistEntry, Customer, Product)
        .join_from(WaitlistEntry, Customer)
        .join_from(WaitlistEntry, Product)
        .where(WaitlistEntry.template == template.id, WaitlistEntry.status.in_(IN_LINE))
        .order_by(Product.name, WaitlistEntry.id)
    )
