"""The order state machine: which status changes exist and who may make each.

    pending -> confirmed -> processing -> ready -> completed
       \\__________\\____________\\-> cancelled  \\-> shipped -> completed (express carriers)

Every change runs in one transaction with its stock effect and its OrderEvent,
and only applies if the order is still at the version the caller saw.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from models.accounts.user import User
from models.activities import allotment
from models.base import utcnow
from models.catalog import stock
from models.customers.customer import Customer
from models.db import db
from models.errors import StaleOrder, TransitionNotAllowed
from models.orders.order import Order, OrderEvent
from models.orders.signals import order_changed
from models.orders.status import STATUS_LABELS, OrderStatus
from models.promotions import claims as offer_claims
from models.statements import insert_row

STAFF = frozenset({"staff", "admin"})
AUTOMATION = frozenset({"rule", "system"})

PENDING, CONFIRMED, PROCESSING, READY, SHIPPED, COMPLETED, CANCELLED = OrderStatus
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (PENDING, CONFIRMED): STAFF | AUTOMATION,
    (CONFIRMED, PROCESSING): STAFF | AUTOMATION,
    (PROCESSING, READY): STAFF | AUTOMATION,
    (READY, COMPLETED): STAFF | AUTOMATION,
    (READY, SHIPPED): STAFF | AUTOMATION,  # by an express carrier: not open any more
    (SHIPPED, COMPLETED): STAFF | AUTOMATION,
    (PENDING, CANCELLED): STAFF | AUTOMATION | {"customer"},
    (CONFIRMED, CANCELLED): STAFF | AUTOMATION,
    (PROCESSING, CANCELLED): STAFF | AUTOMATION,
}


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a staff member or admin, the customer, a rule, or the system."""

    kind: str
    user: User | None = None
    customer: Customer | None = None
    label: str = ""

    @classmethod
    def of_user(cls, user: User) -> "Actor":
        return cls(kind=user.role, user=user, label=user.name)

    @classmethod
    def of_customer(cls, customer: Customer) -> "Actor":
        return cls(kind="customer", customer=customer, label=customer.name)

    @classmethod
    def rule(cls, name: str) -> "Actor":
        return cls(kind="rule", label=name)

    @classmethod
    def system(cls) -> "Actor":
        return cls(kind="system")


def may_transition(order: Order, to_status: str, actor: Actor) -> bool:
    if actor.kind not in TRANSITIONS.get((order.status, to_status), ()):
        return False
    return actor.kind != "customer" or actor.customer.id == order.customer_id


# Reached on a page of their own, not by a plain status button: "shipped" goes with a carrier
# and a tracking number (models/delivery/shipping.py ship_order).
OWN_PAGE = frozenset({SHIPPED})


def allowed_transitions(order: Order, actor: Actor) -> list[str]:
    """The statuses `actor` may move `order` to now with a status button, in lifecycle order."""
    return [
        to
        for (frm, to) in TRANSITIONS
        if frm == order.status and to not in OWN_PAGE and may_transition(order, to, actor)
    ]


def transition_order(
    order: Order,
    to_status: str,
    actor: Actor,
    *,
    expected_version: int | None = None,
    note: str = "",
) -> Order:
    """Move `order` to `to_status` as `actor`; return the order as stored afterwards.

    Raises StaleOrder if the order changed since the caller loaded it (version
    `expected_version`, by default `order.version`), and TransitionNotAllowed if
    the lifecycle does not let this actor make this change.
    """
    return walk_order(order, (to_status,), actor, expected_version=expected_version, note=note)


def walk_order(
    order: Order,
    steps: tuple[str, ...],
    actor: Actor,
    *,
    expected_version: int | None = None,
    note: str = "",
) -> Order:
    """Move `order` through the statuses `steps` as one change of `actor`'s (a handover walks
    a confirmed order through processing and ready to completed); return the order as stored.

    Each step is a transition of its own, checked like `transition_order` and with its own
    timeline event (and rules), all in one transaction; `note` goes with the last step. The
    change is announced once (`order_changed`), as any change is, so it notifies once: the last
    step's status, `previous_status` being the status the walk started from.
    """
    expected = order.version if expected_version is None else expected_version
    with db.atomic():
        current = Order.get_by_id(order.id)
        if current.version != expected:
            raise StaleOrder()
        started_from, events = current.status, []
        for n, to_status in enumerate(steps, start=1):
            _check_transition(current, to_status, actor)
            bump_version(current, current.version, status=to_status)
            _apply_stock_effect(current, to_status, actor)
            events.append(
                _timeline_event(
                    current,
                    actor,
                    kind="status",
                    from_status=current.status,
                    to_status=to_status,
                    note=note if n == len(steps) else "",
                )
            )
            current = Order.get_by_id(order.id)
        if events:
            order_changed.send(events[-1], steps=tuple(events), from_status=started_from)
    return current


def _check_transition(order: Order, to_status: str, actor: Actor) -> None:
    if not may_transition(order, to_status, actor):
        raise TransitionNotAllowed(
            _l(
                "Order #%(number)s cannot go from %(from)s to %(to)s.",
                number=order.number,
                **{
                    "from": STATUS_LABELS[order.status],
                    "to": STATUS_LABELS.get(to_status, to_status),
                },
            )
        )


def bump_version(order: Order, expected_version: int, **changes) -> None:
    """Write `changes` only if the order is still at `expected_version`, else StaleOrder."""
    updated = (
        Order.update(version=Order.version + 1, updated_at=utcnow(), **changes)
        .where(Order.id == order.id, Order.version == expected_version)
        .execute()
    )
    if updated != 1:
        raise StaleOrder()


def record_event(order: Order, actor: Actor, **fields) -> OrderEvent:
    """Write the timeline event of a change and announce the change (`order_changed`): its
    notifications and rule evaluations are planned in this transaction (docs/architecture.md)."""
    event = _timeline_event(order, actor, **fields)
    order_changed.send(event, steps=(event,), from_status=None)
    return event


def record_placing(order: Order, actor: Actor, **fields) -> OrderEvent:
    """`record_event` for an order placed in this transaction, `order` being exactly what was
    written: its receivers take what they need from it instead of reading it back."""
    event = _timeline_event(order, actor, **fields)
    event.placed = order
    order_changed.send(event, steps=(event,), from_status=None)
    return event


def _timeline_event(order: Order, actor: Actor, **fields) -> OrderEvent:
    return insert_row(
        OrderEvent(
            order=order.id,
            actor_kind=actor.kind,
            actor_user=actor.user,
            actor_label=actor.label,
            **fields,
        )
    )


def _apply_stock_effect(order: Order, to_status: str, actor: Actor) -> None:
    if to_status == OrderStatus.CANCELLED:
        allotment.give_back(order.template_id, order.holds)
        offer_claims.give_back(order.offer_id, order.customer_id)
        Order.update(holds=[]).where(Order.id == order.id).execute()
    effect = {CANCELLED: stock.release, COMPLETED: stock.consume, SHIPPED: stock.consume}.get(
        to_status
    )
    if to_status == COMPLETED and order.status == SHIPPED:
        return  # consumed when shipped
    if effect is None:
        return
    for line in order.lines:
        if line.holds_stock:
            effect(
                line.product_id,
                line.warehouse_id,
                line.quantity,
                order_number=order.number,
                by=actor.user,
            )


def assign_order(
    order: Order, assignee: User | None, actor: Actor, *, expected_version: int | None = None
) -> Order:
    """Make `assignee` (None: nobody) responsible for `order`; StaleOrder if it changed meanwhile."""
    expected = order.version if expected_version is None else expected_version
    with db.atomic():
        bump_version(order, expected, assignee=assignee)
        record_event(order, actor, kind="assigned", note=assignee.name if assignee else "")
    return Order.get_by_id(order.id)
