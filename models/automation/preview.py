"""Try it: what a rule would have done to the latest orders, decided exactly as a run decides
(models/automation/actions/ `decide`) but applied to nothing. Nothing is written: the context is a
dry run that counts round-robin turns and workloads in memory.

A rule for new orders sees each order as it was placed (pending, nobody assigned); other rules
see the orders as they are now. A rule "after-sales requested" is tried on the latest cases, each
as it was requested (requested, nobody assigned).
"""

from dataclasses import dataclass, field, replace

from models.aftersales.case import AfterSalesCase, CaseStatus
from models.automation.actions import Context, Step, after, decide
from models.automation.conditions import matches, snapshots
from models.automation.conditions.case_snapshot import case_snapshots
from models.automation.triggers import trigger_of
from models.base import utcnow
from models.customers.customer import Customer
from models.orders.order import Order
from models.orders.status import OPEN_STATUSES, OrderStatus

LIMIT = 50


@dataclass
class Tried:
    order: Order
    matched: bool
    steps: list[Step] = field(default_factory=list)
    case: AfterSalesCase | None = None  # the case tried, for a rule "after-sales requested"
    amount: int = 0  # fen the case asks about


def try_rule(rule, limit: int = LIMIT) -> list[Tried]:
    """The last `limit` orders (or cases), newest first, each with whether the rule matches it
    and the steps it would take."""
    if trigger_of(rule.trigger).subject == "case":
        return try_case_rule(rule, limit)
    orders = list(
        Order.select(Order, Customer).join(Customer).order_by(Order.id.desc()).limit(limit)
    )
    trigger = trigger_of(rule.trigger)
    found = snapshots(orders, utcnow() if trigger.scheduled else None)
    context, tried = Context(dry_run=True), []
    for order in reversed(orders):  # oldest first, as turns and workloads would have gone
        snapshot = found[order.id]
        if trigger.as_placed:
            snapshot = replace(snapshot, status=OrderStatus.PENDING, assignee_id=None)
        elif trigger.scheduled and snapshot.status not in OPEN_STATUSES:
            tried.append(Tried(order, False))
            continue
        if not matches(rule.conditions, snapshot):
            tried.append(Tried(order, False))
            continue
        steps = []
        for action in rule.actions:
            step = decide(action, snapshot, rule, context)
            if step.kind == "assign":
                context.assigned(step.user.id)
            steps.append(step)
            snapshot = after(step, snapshot)
        tried.append(Tried(order, True, steps))
    return tried[::-1]


def try_case_rule(rule, limit: int = LIMIT) -> list[Tried]:
    """The last `limit` cases, newest first, each taken as it was requested."""
    cases = list(
        AfterSalesCase.select(AfterSalesCase, Order, Customer)
        .join(Order)
        .join(Customer)
        .order_by(AfterSalesCase.id.desc())
        .limit(limit)
    )
    found = case_snapshots(cases)
    context, tried = Context(dry_run=True), []
    for case in reversed(cases):
        snapshot = replace(found[case.id], status=CaseStatus.REQUESTED, assignee_id=None)
        if not matches(rule.conditions, snapshot):
            tried.append(Tried(case.order, False, case=case, amount=snapshot.amount))
            continue
        steps = []
        for action in rule.actions:
            step = decide(action, snapshot, rule, context)
            steps.append(step)
            snapshot = after(step, snapshot)
        tried.append(Tried(case.order, True, steps, case=case, amount=snapshot.amount))
    return tried[::-1]
