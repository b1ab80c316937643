"""Staff's after-sales queue: the cases a filter selects, oldest first, a page at a time.

A filter lives in the URL (`CaseFilter.from_args` / `to_args`): status (open ones by default,
"all" or one status), kind, age (older than 24 h / 3 days / 7 days, or "overdue": not answered
within the SLA, models/aftersales/sla.py), assignee ("me", "none" or a staff id), activity (the
order's form), product (a case about a line of it) and words (a case number, an order number, the
customer's name or phone, the reason or details). Pages are
keyset pages: `after` is the last case shown, so a page never repeats or skips a case while
others are opened.
"""

import re
from dataclasses import dataclass, replace
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from peewee import fn

from models.activities.template import FormTemplate
from models.aftersales.case import (
    KIND_LABELS,
    AfterSalesCase,
    CaseLine,
    CaseStatus,
    number_from_code,
)
from models.aftersales.lifecycle import FINISHED
from models.aftersales.sla import overdue_condition
from models.base import utcnow
from models.catalog.products import Product
from models.customers.customer import Customer
from models.matching import ilike
from models.orders.order import Order, OrderLine
from models.params import positive_id

OPEN = [status for status in CaseStatus if status not in FINISHED]
PAGE = 50
MAX_WORDS = 100
AGES = {
    "24": _l("Older than 24 hours"),
    "72": _l("Older than 3 days"),
    "168": _l("Older than 7 days"),
    "overdue": _l("Not answered in time"),
}


@dataclass(frozen=True)
class CaseFilter:
    status: str = ""  # "" open ones, "all", or a CaseStatus
    kind: str = ""
    age: str = ""  # one of AGES
    assignee: str = ""  # "", "me", "none" or a user id
    activity: int | None = None  # the order's form (FormTemplate id)
    product: int | None = None  # a case with a line of this product
    words: str = ""
    after: int | None = None  # keyset: the last case of the previous page
    user_id: int | None = None  # who is looking ("me")

    @classmethod
    def from_args(cls, args, user=None) -> "CaseFilter":
        """The filter in query arguments; anything unknown is left out, never an error."""
        status = args.get("status", "")
        assignee = args.get("assignee", "")
        if assignee not in ("me", "none"):
            assignee = str(positive_id(assignee) or "")
        return cls(
            status=status if status == "all" or status in CaseStatus.__members__.values() else "",
            kind=args.get("kind", "") if args.get("kind", "") in KIND_LABELS else "",
            age=args.get("age", "") if args.get("age", "") in AGES else "",
            assignee=assignee,
            activity=positive_id(args.get("activity")),
            product=positive_id(args.get("product")),
            words=(args.get("q") or "").strip()[:MAX_WORDS],
            after=positive_id(args.get("after")),
            user_id=user.id if user is not None else None,
        )

    def to_args(self, *, after: int | None = None) -> dict[str, str]:
        """The query arguments of this filter (without the page unless `after` is given)."""
        args = {
            "status": self.status,
            "kind": self.kind,
            "age": self.age,
            "assignee": self.assignee,
            "activity": str(self.activity or ""),
            "product": str(self.product or ""),
            "q": self.words,
            "after": str(after) if after else "",
        }
        return {key: value for key, value in args.items() if value}

    def first_page(self) -> "CaseFilter":
        return replace(self, after=None)

    def query(self):
        """The cases selected, with their order and customer, oldest first (no page limit)."""
        query = (
            AfterSalesCase.select(AfterSalesCase, Order, Customer)
            .join(Order)
            .join(Customer)
            .order_by(AfterSalesCase.created_at, AfterSalesCase.id)
        )
        for condition in self._conditions():
            query = query.where(condition)
        return query

    def _conditions(self) -> list:
        conditions = []
        if self.status in CaseStatus.__members__.values():
            conditions.append(AfterSalesCase.status == self.status)
        elif self.status != "all":
            conditions.append(AfterSalesCase.status.in_(OPEN))
        if self.kind:
            conditions.append(AfterSalesCase.kind == self.kind)
        if self.age == "overdue":
            conditions.append(overdue_condition())
        elif self.age:
            conditions.append(AfterSalesCase.created_at < utcnow() - timedelta(hours=int(self.age)))
        if self.assignee == "me":
            conditions.append(AfterSalesCase.assignee == self.user_id)
        elif self.assignee == "none":
            conditions.append(AfterSalesCase.assignee.is_null())
        elif self.assignee:
            conditions.append(AfterSalesCase.assignee == int(self.assignee))
        if self.activity:
            conditions.append(Order.template == self.activity)
        if self.product:
            conditions.append(AfterSalesCase.id.in_(cases_of_product(self.product)))
        if self.words:
            conditions.append(_words(self.words))
        return conditions

    def page(self, size: int | None = None) -> tuple[list[AfterSalesCase], int | None]:
        """One page of cases after `after` (PAGE of them), and the last case's id if more
        follow."""
        size = size or PAGE
        query = self.query()
        if self.after:
            last = AfterSalesCase.get_or_none(AfterSalesCase.id == self.after)
            if last is not None:
                query = query.where(
                    (AfterSalesCase.created_at > last.created_at)
                    | (
                        (AfterSalesCase.created_at == last.created_at)
                        & (AfterSalesCase.id > last.id)
                    )
                )
        rows = list(query.limit(size + 1))
        more = len(rows) > size
        rows = rows[:size]
        return rows, (rows[-1].id if more and rows else None)

    def count(self) -> int:
        return self.query().order_by().count()


def cases_of_product(product_id: int):
    """The ids of the cases with a line of the product (by the indexes on order_line.product
    and aftersales_case_line.line)."""
    return CaseLine.select(CaseLine.case).join(OrderLine).where(OrderLine.product == product_id)


def filter_choices() -> dict[str, list[tuple[int, str]]]:
    """The activities and the products the queue offers to filter by: those with cases."""
    activities = (
        FormTemplate.select(FormTemplate.id, FormTemplate.title)
        .where(FormTemplate.id.in_(AfterSalesCase.select(Order.template).join(Order)))
        .order_by(FormTemplate.title, FormTemplate.id)
    )
    products = (
        Product.select(Product.id, Product.name)
        .where(Product.id.in_(OrderLine.select(OrderLine.product).join(CaseLine)))
        .order_by(Product.name, Product.id)
    )
    return {"activities": list(activities.tuples()), "products": list(products.tuples())}


def _words(text: str):
    """A case whose number, order number, customer name or phone, reason or details match."""
    matches = [
        ilike(Customer.name, text),
        ilike(AfterSalesCase.reason, text),
        ilike(AfterSalesCase.details, text),
    ]
    number = number_from_code(text)
    if number is not None:
        matches.append(AfterSalesCase.number == number)
    order_number = positive_id(text.removeprefix("#"))
    if order_number is not None:
        matches.append(Order.number == order_number)
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 4 and re.fullmatch(r"[\d\s+\-()]+", text):
        matches.append(ilike(Customer.phone, digits))
    condition = matches[0]
    for match in matches[1:]:
        condition = condition | match
    return condition


def counts() -> dict[str, int]:
    """Cases per status."""
    rows = AfterSalesCase.select(AfterSalesCase.status, fn.COUNT(AfterSalesCase.id)).group_by(
        AfterSalesCase.status
    )
    return {status: count for status, count in rows.tuples()}


def queue_stamp() -> str:
    """What the queue's live check compares: changes when a case is opened or moves (every step
    raises its version), in one statement; no clock in it, so no clock can blind it."""
    count, last, versions = AfterSalesCase.select(
        fn.COUNT(AfterSalesCase.id),
        fn.COALESCE(fn.MAX(AfterSalesCase.id), 0),
        fn.COALESCE(fn.SUM(AfterSalesCase.version), 0),
    ).tuples()[0]
    return f"{count}-{last}-{versions}"
