"""Rules an admin sets up: when (trigger), for which orders (conditions), what to do (actions).

An order change plans a "rules" outbox row in its own transaction (`plan_rules`, subscribed to
models/orders/signals.py `order_changed` by models/subscriptions.py); a worker then runs the
rules of that trigger in position order (`run_rules`). Changes made by a rule are recorded with
actor kind "rule", and those events never plan rules again, so no rule can set off itself or
another in a loop.
Schedule rules are planned by the minute task (tasks/automation.py) once per rule and order.
A case a customer opens plans a "rules" row for the trigger "after-sales requested"
(`plan_case_rules`, subscribed to models/aftersales/signals.py `case_opened`).
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from peewee import (
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    IntegrityError,
    JSONField,
    fn,
)

from models.accounts.user import STAFF_ROLES, User
from models.activities.fields import FIELD_TYPES
from models.activities.pickup import PickupPoint
from models.activities.template import FormTemplate, FormTemplateVersion
from models.aftersales.case import AfterSalesCase
from models.automation.actions import Context, run_actions
from models.automation.conditions import case_snapshot_of, matches, snapshot_of, snapshots
from models.automation.triggers import CASE_REQUESTED, EVENT_TRIGGERS, SCHEDULE
from models.base import BaseModel, utcnow
from models.config_cache import kept
from models.customers.tier import CustomerTier
from models.db import db
from models.delivery.runs import couriers
from models.delivery.zones import all_zones
from models.errors import DomainError
from models.messaging.outbox import Outbox, add_work
from models.orders.order import Order, OrderEvent
from models.orders.status import OPEN_STATUSES

log = logging.getLogger(__name__)


class Rule(BaseModel):
    name = CharField(max_length=80, unique=True)  # the timeline says "rule: <name>"
    enabled = BooleanField(default=True)
    position = IntegerField(default=0)  # rules run in (position, id) order
    trigger = CharField(max_length=32)  # models/automation/triggers.py
    conditions = JSONField(default=list)  # models/automation/conditions/
    actions = JSONField(default=list)  # models/automation/actions/
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("trigger", "position"), False),)

    @classmethod
    def in_order(cls):
        return cls.select().order_by(cls.position, cls.id)

    @classmethod
    def active(cls, trigger: str) -> list["Rule"]:
        return list(cls.in_order().where(cls.enabled == True, cls.trigger == trigger))  # noqa: E712


class RuleNameTaken(DomainError):
    message = _l("Another rule already has this name.")


@dataclass(frozen=True)
class RuleChoices:
    """What the rule editor offers and accepts: {id: name} of each kind, and answer fields."""

    templates: dict[int, str]
    points: dict[int, str]
    staff: dict[int, str]
    fields: list[str]
    zones: dict[int, str] = field(default_factory=dict)  # delivery zones
    couriers: dict[int, str] = field(default_factory=dict)  # active couriers
    tiers: dict[int, str] = field(default_factory=dict)  # customer tiers, highest first


def _answered(spec: dict) -> bool:
    """Whether a rule's condition may test the field's answer: not product lines nor a heading."""
    kind = FIELD_TYPES.get(spec.get("type"))
    return kind is not None and not (kind.silent or kind.holds_lines)


def rule_choices() -> RuleChoices:
    templates = FormTemplate.select().where(FormTemplate.status != "archived")
    staff = User.select().where(User.active == True, User.role.in_(STAFF_ROLES))  # noqa: E712
    versions = FormTemplateVersion.select(FormTemplateVersion.fields)
    fields = {
        spec["name"]
        for version in versions
        for spec in version.fields
        if _answered(spec) and spec.get("name")
    }
    return RuleChoices(
        templates={t.id: t.title for t in templates.order_by(FormTemplate.title)},
        points={p.id: p.name for p in PickupPoint.select().order_by(PickupPoint.name)},
        staff={u.id: u.name for u in staff.order_by(User.name)},
        fields=sorted(fields),
        zones={z.id: z.name for z in all_zones()},
        couriers={u.id: u.name for u in couriers()},
        tiers={t.id: t.name for t in CustomerTier.ranked()},
    )


def save_rule(rule: Rule | None, by: User | None, **fields) -> Rule:
    """Create a rule (at the end of the list) or change one: name, enabled, trigger,
    conditions, actions. Raises RuleNameTaken."""
    try:
        with db.atomic():
            if rule is None:
                last = Rule.select(fn.MAX(Rule.position)).scalar()
                return Rule.create(position=(last or 0) + 1, created_by=by, **fields)
            fields["updated_at"] = utcnow()
            Rule.update(**fields).where(Rule.id == rule.id).execute()
    except IntegrityError:
        raise RuleNameTaken() from None
    return Rule.get_by_id(rule.id)


def set_rule_enabled(rule: Rule, enabled: bool) -> None:
    Rule.update(enabled=enabled, updated_at=utcnow()).where(Rule.id == rule.id).execute()


def move_rule(rule: Rule, step: int) -> None:
    """Swap the rule with its neighbour above (step -1) or below (+1); the ends stay put."""
    with db.atomic():
        rules = list(Rule.in_order())
        index = next(i for i, r in enumerate(rules) if r.id == rule.id)
        other = index + step
        if not 0 <= other < len(rules):
            return
        rules[index], rules[other] = rules[other], rules[index]
        for position, moved in enumerate(rules, start=1):
            if moved.position != position:
                Rule.update(position=position).where(Rule.id == moved.id).execute()


def delete_rule(rule: Rule) -> None:
    Rule.delete().where(Rule.id == rule.id).execute()


def triggers_in_use() -> frozenset[str]:
    """The triggers some enabled rule has (kept between changes to the rules)."""
    enabled = Rule.select(Rule.trigger).where(Rule.enabled == True).distinct()  # noqa: E712
    return kept(("rule triggers",), lambda: frozenset(rule.trigger for rule in enabled))


def plan_rules(event: OrderEvent) -> None:
    """Plan the rules `event` triggers; call inside its transaction. A rule's own changes
    (actor kind "rule") trigger nothing: that is the loop guard."""
    trigger = EVENT_TRIGGERS.get(event.kind)
    if trigger is None or event.actor_kind == "rule":
        return
    if trigger in triggers_in_use():
        add_work("rules", f"rules.{event.id}", {"event": event.id})


def plan_case_rules(case: AfterSalesCase) -> None:
    """Plan the rules "after-sales requested" for a case just opened; inside its transaction."""
    if CASE_REQUESTED.name in triggers_in_use():
        add_work("rules", f"rules.case.{case.id}", {"case": case.id})


def run_case_rules(case_id: int) -> None:
    """The rules "after-sales requested" on one case, in order, each seeing the case as the
    rules before it left it."""
    context = Context(dry_run=False)
    for rule in Rule.active(CASE_REQUESTED.name):
        case = AfterSalesCase.get_or_none(AfterSalesCase.id == case_id)
        if case is None:
            return
        snapshot = case_snapshot_of(case)
        if matches(rule.conditions, snapshot):
            run_actions(rule, snapshot, context)


def run_rules(item: Outbox) -> None:
    """The "rules" outbox work: the rules of an event's trigger, in order, one schedule rule
    on one order, or the rules of a case just opened. Runs in one transaction with marking the
    row done."""
    payload = item.payload
    if "case" in payload:
        run_case_rules(payload["case"])
        return
    if "event" in payload:
        event = OrderEvent.get_or_none(OrderEvent.id == payload["event"])
        if event is None:
            return  # the order is gone
        rules = Rule.active(EVENT_TRIGGERS[event.kind])
        order_id, at = event.order_id, event.created_at
    else:
        scheduled = Rule.get_or_none(Rule.id == payload["rule"])
        if scheduled is None or not scheduled.enabled or scheduled.trigger != SCHEDULE.name:
            return
        rules, order_id, at = [scheduled], payload["order"], utcnow()
    context = Context(dry_run=False)
    for rule in rules:
        order = Order.get_or_none(Order.id == order_id)
        if order is None:
            return
        if rule.trigger == SCHEDULE.name and order.status not in OPEN_STATUSES:
            return
        snapshot = snapshot_of(order, at)
        if matches(rule.conditions, snapshot):
            run_actions(rule, snapshot, context)


def plan_scheduled_rules(now: datetime | None = None) -> int:
    """Plan each enabled schedule rule once for every open order it matches now; return how
    many rows were planned. Safe to run again: the outbox key is per rule and order."""
    rules = Rule.active(SCHEDULE.name)
    if not rules:
        return 0
    now = now or utcnow()
    orders = list(Order.select().where(Order.status.in_(OPEN_STATUSES)))
    found = snapshots(orders, now)
    planned = 0
    for rule in rules:
        prefix = f"rules.schedule.{rule.id}."
        done = {
            key
            for (key,) in Outbox.select(Outbox.delivery_key)
            .where(Outbox.delivery_key.startswith(prefix))
            .tuples()
        }
        for order in orders:
            key = f"{prefix}{order.id}"
            if key in done or not matches(rule.conditions, found[order.id]):
                continue
            try:
                with db.atomic():
                    add_work("rules", key, {"rule": rule.id, "order": order.id})
                planned += 1
            except IntegrityError:  # another sweep planned it a moment ago
                continue
    return planned
