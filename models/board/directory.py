"""The customers directory for staff (/customers): everyone who ordered, the one who ordered
last first, with their order count and spend; one customer's orders and the notes on them.

The list is keyset-paginated over each customer's latest order, (created_at, id), the board's
`Cursor`, read from the (created_at, order) index of `LatestOrder` (models/board/directory.py):
without a filter a page reads 51 index entries however deep it is; a search or a tag joins the
customer row, which the planner reads either down that index (a filter many customers match)
or by scanning the customers first (one few match). The order count and spend of a page's
customers are one grouped query over their orders only (`customer_totals`), which the
customer card on the order page reads too.

URL arguments, all optional: `q` (the customer's name containing the text, ignoring the case
of Latin letters, or their phone as typed, or its last 4 digits: exactly as the board's search
finds customers), `tag` (customers with that tag, compared without case), `tier` (customers in
that tier, by id), and `segment` with `on`
(an RFM segment as of a shop day, models/reports/customers.py): the view passes the segment's
customers as `among`, since reports sit above this package.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from peewee import SQL, DateTimeField, EnclosedNodeList, ForeignKeyField, NodeList, Value, fn

from models.accounts.user import User
from models.base import BaseModel
from models.board.filters import MAX_SEARCH, customer_matches
from models.board.queries import Cursor, Page
from models.customers.customer import Customer
from models.customers.tags import MAX_TAG_LENGTH, tags_in_use
from models.customers.tier_filter import tier_condition
from models.db import is_postgres
from models.matching import fold
from models.orders.detail import NO_ORDERS, CustomerTotals, customer_totals
from models.orders.order import Note, Order, OrderLine
from models.params import positive_id

PAGE_SIZE = 50


# --- the filter -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerFilter:
    search: str = ""
    tag: str = ""
    segment: str = ""  # read by the view (blueprints/staff/customers.py), kept in the URL here
    on: str = ""  # the day the segment is taken on, YYYY-MM-DD
    tier: int | None = None  # customers in this tier (models/customers/tier.py)

    @classmethod
    def from_args(cls, args) -> "CustomerFilter":
        return cls(
            search=" ".join((args.get("q") or "").split())[:MAX_SEARCH],
            tag=(args.get("tag") or "").strip()[:MAX_TAG_LENGTH],
            segment=(args.get("segment") or "").strip()[:20],
            on=(args.get("on") or "").strip()[:10],
            tier=positive_id(args.get("tier")),
        )

    def to_args(self) -> list[tuple[str, str]]:
        """The URL arguments that give this filter back; [] for everyone."""
        pairs = (
            ("q", self.search),
            ("tag", self.tag),
            ("tier", str(self.tier or "")),
            ("segment", self.segment),
            ("on", self.on),
        )
        return [(key, value) for key, value in pairs if value]

    @property
    def narrows(self) -> bool:
        return bool(self.search or self.tag or self.tier)

    def conditions(self) -> list:
        """WHERE terms on Customer."""
        terms = []
        if self.search:
            terms.append(reduce(or_, customer_matches(self.search)))
        if self.tag:
            written = tags_in_use(spellings=True)
            spellings = [tag for tag in written if fold(tag) == fold(self.tag)]
            terms.append(_has_tag(spellings) if spellings else SQL("1 = 0"))
        if self.tier:
            terms.append(tier_condition(self.tier))
        return terms


def _has_tag(spellings: list[str]):
    """The customer's tags hold one of `spellings` (the same tag as different customers wrote
    it: "VIP", "vip")."""
    if is_postgres():
        return reduce(or_, [Customer.tags.contains([tag]) for tag in spellings])  # jsonb @>
    listed = NodeList((SQL("SELECT 1 FROM json_each("), Customer.tags, SQL(")")), glue="")
    chosen = EnclosedNodeList([Value(tag) for tag in spellings])
    # Comparing the text first skips reading the JSON of the many customers without tags.
    return (Customer.tags != SQL("'[]'")) & fn.EXISTS(
        NodeList((listed, SQL("WHERE value IN"), chosen))
    )


# --- the list ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerRow:
    customer: Customer
    totals: CustomerTotals


def customer_page(
    customer_filter: CustomerFilter,
    after: Cursor | None = None,
    size: int = PAGE_SIZE,
    among=None,
) -> Page:
    """One page of customers, the one whose latest order is newest first, after `after`;
    only those of `among` (a query of customer ids) when it is given."""
    latest = LatestOrder
    keys = latest.select(latest.created_at, latest.order, latest.customer)
    if customer_filter.narrows:
        keys = keys.join(Customer).where(*customer_filter.conditions())
    if among is not None:
        keys = keys.where(latest.customer.in_(among))
    if after is not None:
        # The first term bounds the index range; the second breaks ties on created_at.
        keys = keys.where(
            latest.created_at <= after.created_at,
            (latest.created_at < after.created_at) | (latest.order < after.id),
        )
    keys = list(
        keys.order_by(latest.created_at.desc(), latest.order.desc()).limit(size + 1).tuples()
    )
    shown = [customer_id for _, _, customer_id in keys[:size]]
    customers = Customer.select(
        Customer.id, Customer.name, Customer.phone, Customer.tags, Customer.tier
    )
    by_id = {customer.id: customer for customer in customers.where(Customer.id.in_(shown))}
    totals = customer_totals(shown)
    rows = [CustomerRow(by_id[i], totals.get(i, NO_ORDERS)) for i in shown]
    more = len(keys) > size
    return Page(rows, Cursor(*keys[size - 1][:2]) if more else None)


# --- one customer -----------------------------------------------------------------------------


def orders_of(customer: Customer) -> list[Order]:
    """Every order of the customer, newest first, with `items`: [(name as sold, quantity)]."""
    orders = list(
        Order.select(
            Order.id,
            Order.number,
            Order.status,
            Order.payment_status,
            Order.total,
            Order.created_at,
        )
        .where(Order.customer == customer.id)
        .order_by(Order.created_at.desc(), Order.id.desc())
    )
    items = {order.id: [] for order in orders}
    if orders:
        lines = (
            OrderLine.select(OrderLine.order, OrderLine.name, OrderLine.quantity)
            .where(OrderLine.order.in_(list(items)))
            .order_by(OrderLine.id)
        )
        for order_id, name, quantity in lines.tuples():
            items[order_id].append((name, quantity))
    for order in orders:
        order.items = items[order.id]
    return orders


def notes_on_orders_of(customer: Customer) -> list[Note]:
    """The notes and records of contact on all the customer's orders, newest first, with their
    author and the order's number."""
    return list(
        Note.select(Note, User.id, User.name, Order.id, Order.number)
        .join(User)
        .switch(Note)
        .join(Order)
        .where(Order.customer == customer.id)
        .order_by(Note.created_at.desc(), Note.id.desc())
    )


class LatestOrder(BaseModel):
    customer = ForeignKeyField(Customer, primary_key=True, on_delete="CASCADE")
    order = ForeignKeyField(Order, on_delete="CASCADE")
    created_at = DateTimeField()  # the order's

    class Meta:
        indexes = ((("created_at", "order"), False),)
