"""Rule conditions: a plain snapshot of an order, and a pure check of conditions against it.

`matches(conditions, snapshot)` reads nothing but its arguments, so the tests compare it with an
oracle over generated snapshots. A rule's conditions all have to hold (none: every order).
Each condition is a dict with a `kind` (CONDITIONS) and its `value`; `answer_*` also name the
form `field`, `time_between` has an `until`. docs/automation.md describes each one.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time

from flask_babel import lazy_gettext as _l
from peewee import fn

from models.customers.customer import Customer
from models.orders.order import Order, OrderLine
from models.shop_time import shop_zone

CONDITIONS = {
    "template": _l("Activity is"),
    "status": _l("Status is"),
    "total_at_least": _l("Total at least"),
    "total_at_most": _l("Total at most"),
    "quantity_at_least": _l("Items at least"),
    "quantity_at_most": _l("Items at most"),
    "answer_equals": _l("An answer equals"),
    "answer_contains": _l("An answer contains"),
    "pickup_point": _l("Pickup point is"),
    "customer_tag": _l("Customer has tag"),
    "time_between": _l("Time of day between"),
}


@dataclass(frozen=True)
class OrderSnapshot:
    """What conditions and actions look at: plain values, no database."""

    order_id: int
    version: int  # the order's version: actions apply only if nobody changed it meanwhile
    template_id: int
    status: str
    total: int  # fen
    quantity: int  # items over all lines
    answers: dict
    pickup_point_id: int | None
    assignee_id: int | None
    customer_tags: tuple[str, ...]
    moment: time  # the shop's time of day the rule looks at (the event's, or now)


def matches(conditions: list[dict], snapshot: OrderSnapshot) -> bool:
    return all(holds(condition, snapshot) for condition in conditions)


def holds(condition: dict, s: OrderSnapshot) -> bool:
    """Whether one condition holds; an unknown kind never does (the rule does nothing)."""
    kind, value = condition.get("kind"), condition.get("value")
    if kind == "template":
        return s.template_id == value
    if kind == "status":
        return s.status == value
    if kind == "total_at_least":
        return s.total >= value
    if kind == "total_at_most":
        return s.total <= value
    if kind == "quantity_at_least":
        return s.quantity >= value
    if kind == "quantity_at_most":
        return s.quantity <= value
    if kind in ("answer_equals", "answer_contains"):
        wanted = fold(value)
        texts = [fold(text) for text in answer_texts(s.answers.get(condition.get("field")))]
        if kind == "answer_equals":
            return wanted in texts
        return any(wanted in text for text in texts)
    if kind == "pickup_point":
        return s.pickup_point_id == value
    if kind == "customer_tag":
        return fold(value) in {fold(tag) for tag in s.customer_tags}
    if kind == "time_between":
        return in_window(s.moment, parse_clock(value), parse_clock(condition.get("until")))
    return False


def fold(text) -> str:
    """Text compared without case or surrounding spaces."""
    return str(text or "").strip().casefold()


def answer_texts(answer) -> list[str]:
    """An answer as the texts a condition compares: each chosen option of a multiple choice,
    "yes"/"no" for a tick box, nothing for product quantities or a missing answer."""
    if answer is None or isinstance(answer, dict):
        return []
    if isinstance(answer, bool):
        return ["yes" if answer else "no"]
    if isinstance(answer, list):
        return [str(item) for item in answer]
    return [str(answer)]


def parse_clock(text: str) -> time:
    """ "HH:MM" as a time of day."""
    return datetime.strptime(text, "%H:%M").time()


def in_window(moment: time, start: time, end: time) -> bool:
    """start <= moment < end; a window whose end comes before its start runs past midnight."""
    if start <= end:
        return start <= moment < end
    return moment >= start or moment < end


def shop_clock(at: datetime) -> time:
    """A stored UTC moment as the shop's time of day, to the minute."""
    local = at.replace(tzinfo=UTC).astimezone(shop_zone())
    return local.time().replace(second=0, microsecond=0, tzinfo=None)


def snapshots(orders: list[Order], at: datetime | None = None) -> dict[int, OrderSnapshot]:
    """{order id: snapshot} in two queries; `at` is the moment rules look at (None: each
    order's placing time, as Try it shows)."""
    if not orders:
        return {}
    ids = [order.id for order in orders]
    counts = dict(
        OrderLine.select(OrderLine.order, fn.SUM(OrderLine.quantity))
        .where(OrderLine.order.in_(ids))
        .group_by(OrderLine.order)
        .tuples()
    )
    customer_ids = {order.customer_id for order in orders}
    tags = dict(
        Customer.select(Customer.id, Customer.tags).where(Customer.id.in_(customer_ids)).tuples()
    )
    return {
        order.id: OrderSnapshot(
            order_id=order.id,
            version=order.version,
            template_id=order.template_id,
            status=order.status,
            total=order.total,
            quantity=int(counts.get(order.id) or 0),
            answers=order.answers or {},
            pickup_point_id=order.pickup_point_id,
            assignee_id=order.assignee_id,
            customer_tags=tuple(tags.get(order.customer_id) or ()),
            moment=shop_clock(at or order.created_at),
        )
        for order in orders
    }


def snapshot_of(order: Order, at: datetime) -> OrderSnapshot:
    return snapshots([order], at)[order.id]
