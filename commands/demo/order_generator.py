"""Many realistic orders, fast, for load tests and benchmarks (`flask bulk-orders N`).

Rows go in with batched insert_many, one transaction per batch, not through place_order: the
orders hold no stock (their lines name no warehouse, so cancelling or completing one later moves
no stock either); they take their activity places, so the 接龙 list counts them, but no cap is
checked. Otherwise they are ordinary orders: spread over the last `days` days, in every status
(older ones mostly finished), totals equal to their lines plus delivery (a free order is paid),
and a timeline (created, assigned, each status step) that ends at updated_at.
"""

import collections
import json
import random
import secrets
import uuid
from datetime import datetime, timedelta

from peewee import AutoField, JSONField, chunked

from commands.demo.people import NAMES, REMARKS
from commands.demo.timeline import fit_before
from models.accounts.user import STAFF_ROLES, User
from models.activities.allotment import ORDERS, customer_key, take_in_bulk
from models.activities.pickup import PickupPoint
from models.activities.template import FormTemplate
from models.base import utcnow
from models.catalog.products import Product
from models.customers.customer import Customer
from models.db import db
from models.orders.order import Counter, Order, OrderEvent, OrderLine
from models.orders.payments import status_when_placed
from models.orders.status import OrderStatus, PaymentStatus

BATCH = 1000  # orders per transaction
ROWS_PER_INSERT = 400  # keeps every INSERT under SQLite's limit of bound parameters
PENDING, CONFIRMED, PROCESSING, READY, _SHIPPED, COMPLETED, CANCELLED = OrderStatus
UNPAID, PAID, REFUNDED = PaymentStatus.UNPAID, PaymentStatus.PAID, PaymentStatus.REFUNDED
PATH = (PENDING, CONFIRMED, PROCESSING, READY, COMPLETED)
DELIVERY_FEE = 800


class NothingToOrder(Exception):
    def __init__(self):
        super().__init__(
            "publish an activity with products first (`flask --app app demo` builds one)"
        )


def generate_orders(
    count: int, rng: random.Random, *, days: int = 90, customers: int | None = None
) -> int:
    """Insert `count` orders of `customers` people (by default one for every 20 orders); return
    how many were inserted."""
    shop = _shop()
    customers = _customers(rng, customers or max(count // 20, 50))
    last = _reserve_numbers(count)
    now = utcnow()
    # Placed in time order, as orders are: numbers (and ids) grow with created_at.
    placed = sorted(now - timedelta(days=days * rng.random() ** 1.5) for _ in range(count))
    first = last - count + 1
    for start in range(0, count, BATCH):
        drafts = [
            _draft(first + i, placed[i], shop, customers, rng, now)
            for i in range(start, min(start + BATCH, count))
        ]
        with db.atomic():
            _insert(drafts)
    return count


def _shop() -> dict:
    versions = [
        template.latest_version()
        for template in FormTemplate.select().where(FormTemplate.status == "published")
    ]
    versions = [v for v in versions if v is not None]
    products = list(Product.select().where(Product.active == True))  # noqa: E712
    if not versions or not products:
        raise NothingToOrder()
    points = PickupPoint.select(PickupPoint.id).where(PickupPoint.active == True)  # noqa: E712
    return {
        "versions": versions,
        "goods": [p for p in products if p.tracks_stock] or products,
        "services": [p for p in products if not p.tracks_stock] or products,
        "points": [p.id for p in points],
        "staff": list(User.select().where(User.active == True, User.role.in_(STAFF_ROLES))),  # noqa: E712
    }


def _customers(rng: random.Random, how_many: int) -> list[tuple[int, str, str]]:
    """(id, name, phone) of `how_many` customers, created where their phone is new."""
    people = {
        f"+861{rng.choice('3456789')}{rng.randrange(10**9):09d}": rng.choice(NAMES)
        for _ in range(how_many)
    }
    rows = [
        {"name": name, "phone": phone, "phone_last4": phone[-4:], "created_at": utcnow()}
        for phone, name in people.items()
    ]
    with db.atomic():
        for batch in chunked(rows, ROWS_PER_INSERT):
            Customer.insert_many(batch).on_conflict_ignore().execute()
    found = Customer.select(Customer.id, Customer.name, Customer.phone).where(
        Customer.phone.in_(list(people))
    )
    return list(found.tuples())


def _reserve_numbers(count: int) -> int:
    """Take `count` order numbers from the shared counter; return the last of them."""
    with db.atomic():
        Counter.insert(name="order", value=10000).on_conflict_ignore().execute()
        query = Counter.update(value=Counter.value + count).where(Counter.name == "order")
        return query.returning(Counter.value).execute()[0].value


def _target_status(age_days: float, rng: random.Random) -> str:
    if age_days < 1:
        weights = {PENDING: 5, CONFIRMED: 3, PROCESSING: 1, READY: 1, CANCELLED: 1}
    elif age_days < 7:
        weights = {CONFIRMED: 2, PROCESSING: 2, READY: 3, COMPLETED: 4, CANCELLED: 1}
    else:
        weights = {COMPLETED: 12, CANCELLED: 2, READY: 1}
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _steps(target: str, rng: random.Random) -> list[str]:
    """The statuses an order passed through after pending, ending at `target`."""
    if target == CANCELLED:
        stop = rng.choice(PATH[:3])
        return [*PATH[1 : PATH.index(stop) + 1], CANCELLED]
    return list(PATH[1 : PATH.index(target) + 1])


def _draft(number, placed, shop, customers, rng: random.Random, now: datetime) -> dict:
    age = (now - placed).total_seconds() / 86400
    steps = _steps(_target_status(age, rng), rng)
    version = rng.choice(shop["versions"])
    service = version.template.kind == "service"
    customer_id, name, phone = rng.choice(customers)
    products = rng.sample(
        shop["services" if service else "goods"], k=1 if service else rng.randint(1, 3)
    )
    lines = [(p, 1 if service else rng.randint(1, 3)) for p in products]
    delivery = not service and (not shop["points"] or rng.random() < 0.15)
    address = (
        f"幸福小区 {rng.randint(1, 30)} 栋 {rng.randint(101, 2508)} 室"
        if delivery or service
        else ""
    )
    answers = {"name": name, "phone": phone, "remark": rng.choice(REMARKS)}
    if address:
        answers["address"] = address
    assignee = rng.choice(shop["staff"]) if steps and shop["staff"] and rng.random() < 0.7 else None
    actor = assignee or (rng.choice(shop["staff"]) if shop["staff"] else None)
    moments = _moments(placed, now, 1 + bool(assignee) + len(steps), rng)
    events = [("created", None, PENDING, "customer", None, name, "")]
    if assignee:
        events.append(("assigned", None, None, actor.role, actor, actor.name, assignee.name))
    previous = PENDING
    for status in steps:
        kind, label = (actor.role, actor.name) if actor else ("system", "")
        events.append(("status", previous, status, kind, actor, label, ""))
        previous = status
    subtotal = sum(p.price * quantity for p, quantity in lines)
    fee = DELIVERY_FEE if delivery and not service else 0
    payment = _payment(previous, rng)  # drawn for every order: a seed gives the same orders
    if subtotal + fee == 0:
        payment = status_when_placed(0)  # nothing to pay, or to refund
    return {
        "order": {
            "number": number,
            "tracking_token": secrets.token_urlsafe(18),
            "submission_key": uuid.uuid4().hex,
            "template": version.template_id,
            "template_version": version.id,
            "customer": customer_id,
            "status": previous,
            "payment_status": payment,
            "subtotal": subtotal,
            "delivery_fee": fee,
            "total": subtotal + fee,
            "answers": answers,
            "pickup_point": None if delivery or service else rng.choice(shop["points"]),
            "address": address,
            "assignee": assignee.id if assignee else None,
            "version": len(events),
            "created_at": placed,
            "updated_at": moments[-1],
            "holds": [] if previous == CANCELLED else [ORDERS, customer_key(customer_id)],
        },
        "lines": [(p.id, p.name, p.price, quantity) for p, quantity in lines],
        "events": list(zip(moments, events, strict=True)),
    }


def _moments(placed: datetime, now: datetime, count: int, rng: random.Random) -> list[datetime]:
    """`count` increasing times from `placed`, minutes to hours apart, all before `now`."""
    return fit_before(placed, now, [rng.uniform(10, 600) for _ in range(count - 1)])


def _payment(status: str, rng: random.Random) -> str:
    if status == COMPLETED:
        return PAID if rng.random() < 0.95 else UNPAID
    if status == CANCELLED:
        return REFUNDED if rng.random() < 0.3 else UNPAID
    return PAID if rng.random() < 0.5 else UNPAID


def _insert(drafts: list[dict]) -> None:
    _insert_rows(Order, [d["order"] for d in drafts])
    numbers = [d["order"]["number"] for d in drafts]
    ids = dict(Order.select(Order.number, Order.id).where(Order.number.in_(numbers)).tuples())
    lines, events = [], []
    for draft in drafts:
        order_id = ids[draft["order"]["number"]]
        lines += [
            {
                "order": order_id,
                "product": product,
                "warehouse": None,
                "name": name,
                "unit_price": price,
                "quantity": quantity,
            }
            for product, name, price, quantity in draft["lines"]
        ]
        events += [
            {
                "order": order_id,
                "kind": kind,
                "from_status": frm,
                "to_status": to,
                "actor_kind": actor_kind,
                "actor_user": user.id if user else None,
                "actor_label": label,
                "note": note,
                "created_at": moment,
            }
            for moment, (kind, frm, to, actor_kind, user, label, note) in draft["events"]
        ]
    _insert_rows(OrderLine, lines)
    _insert_rows(OrderEvent, events)
    _take_places([d["order"] for d in drafts])


def _take_places(orders: list[dict]) -> None:
    """The places the standing orders hold, so the 接龙 list counts them like placed ones."""
    places = collections.Counter()
    for order in orders:
        for key in order["holds"]:
            places[(order["template"], key)] += 1
    take_in_bulk(places)


def _insert_rows(model, rows: list[dict]) -> None:
    """Multi-row INSERTs of `rows` (field name -> value; missing fields take their default).

    Peewee's insert_many builds SQL value by value, which costs 90% of the time for 100,000
    orders; here the statement is one string join and the values go as bound parameters.
    """
    fields = [f for f in model._meta.sorted_fields if not isinstance(f, AutoField)]
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    marks = f"({', '.join([db.obj.param] * len(fields))})"
    for batch in chunked(rows, ROWS_PER_INSERT):
        params = [_stored(field, row) for row in batch for field in fields]
        db.execute_sql(
            f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES '
            + ", ".join([marks] * len(batch)),
            params,
        )


def _stored(field, row: dict):
    if field.name in row:
        value = row[field.name]
    else:
        value = field.default() if callable(field.default) else field.default
    return json.dumps(value) if isinstance(field, JSONField) else value
