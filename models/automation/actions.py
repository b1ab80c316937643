"""What a rule does to a matching order: each action is first decided on the order's snapshot
(`decide`, which only reads), then applied (`apply`) as the rule's actor, so the timeline says
"rule: <name>". Try it (models/automation/preview.py) decides the same steps and applies none.

Actions (dicts with a `kind`, docs/automation.md):
    confirm                                      pending -> confirmed
    set_status           status                  one allowed step of the lifecycle
    assign_round_robin   users [ids]             the next of them in turn
    assign_pickup_point  points {point id: user id}
    assign_least_loaded  users [ids] (none: all) the one with the fewest open orders
    add_tag              tag                     a tag on the customer
    notify               to (customer, staff), message
Assignments leave an order that already has an assignee alone.
"""

import logging
from dataclasses import dataclass, replace

from flask_babel import lazy_gettext as _l
from peewee import fn

from models.accounts.user import ROLES, User
from models.automation.conditions import OrderSnapshot, fold
from models.customers.tags import DuplicateTag, InvalidTag, tag_customer
from models.db import db
from models.errors import StaleOrder, TransitionNotAllowed
from models.messaging.notifications import NOTICES, notice_settings
from models.messaging.outbox import add_work
from models.orders.lifecycle import TRANSITIONS, Actor, assign_order, record_event, transition_order
from models.orders.order import Counter, Order
from models.orders.status import OPEN_STATUSES, STATUS_LABELS

log = logging.getLogger(__name__)

ACTIONS = {
    "confirm": _l("Confirm the order"),
    "set_status": _l("Set the status"),
    "assign_round_robin": _l("Assign in turn among"),
    "assign_pickup_point": _l("Assign by pickup point"),
    "assign_least_loaded": _l("Assign to the least busy of"),
    "add_tag": _l("Tag the customer"),
    "notify": _l("Send a message"),
}
AUDIENCES = {"customer": _l("the customer"), "staff": _l("all staff")}
MESSAGE_NOTICES = {"customer": "rule_message", "staff": "rule_message_staff"}


@dataclass(frozen=True)
class Step:
    """One decided action: `kind` is status, assign, tag, notify, or skip (`text` says why)."""

    kind: str
    text: str
    status: str = ""
    user: User | None = None
    tag: str = ""
    to: str = ""
    message: str = ""


class Context:
    """What actions read during one run or one Try it. A dry run (Try it) writes nothing: it
    counts the turns and workloads its own decisions would change instead."""

    def __init__(self, dry_run: bool):
        self.dry_run = dry_run
        self._staff: dict[int, User] | None = None
        self._turns: dict[int, int] = {}
        self._loads: dict[int, int] | None = None

    def staff(self) -> dict[int, User]:
        """Active staff and admin accounts by id."""
        if self._staff is None:
            users = User.select().where(User.active == True, User.role.in_(ROLES))  # noqa: E712
            self._staff = {user.id: user for user in users.order_by(User.id)}
        return self._staff

    def name(self, user_id: int) -> str:
        user = self.staff().get(user_id) or User.get_or_none(User.id == user_id)
        return user.name if user else "?"

    def turn(self, rule) -> int:
        """0, 1, 2, … for each round-robin assignment the rule makes."""
        key = f"rule.{rule.id}.turn"
        if not self.dry_run:
            return Counter.next(key, start=0) - 1
        if rule.id not in self._turns:
            stored = Counter.select(Counter.value).where(Counter.name == key).scalar()
            self._turns[rule.id] = stored or 0
        self._turns[rule.id] += 1
        return self._turns[rule.id] - 1

    def loads(self) -> dict[int, int]:
        """{user id: open orders assigned to them}."""
        if self._loads is None or not self.dry_run:
            rows = (
                Order.select(Order.assignee, fn.COUNT(Order.id))
                .where(Order.status.in_(OPEN_STATUSES), Order.assignee.is_null(False))
                .group_by(Order.assignee)
                .tuples()
            )
            self._loads = dict(rows)
        return self._loads

    def assigned(self, user_id: int) -> None:
        if self.dry_run:
            loads = self.loads()
            loads[user_id] = loads.get(user_id, 0) + 1


def _label(status: str):
    return STATUS_LABELS.get(status, status)  # lazy: the text is made in the reader's language


def decide(action: dict, s: OrderSnapshot, rule, context: Context) -> Step:
    """What `action` would do to the order `s` now; reads only (a real run's round robin
    takes its turn)."""
    kind = action.get("kind", "")
    if kind in ("confirm", "set_status"):
        to = "confirmed" if kind == "confirm" else action.get("status", "")
        words = {"old": _label(s.status), "new": _label(to)}
        if "rule" not in TRANSITIONS.get((s.status, to), ()):
            return Step(
                "skip", _l("Skipped: the order cannot go from %(old)s to %(new)s.", **words)
            )
        return Step("status", _l("Status %(old)s → %(new)s", **words), status=to)
    if kind.startswith("assign_"):
        if s.assignee_id is not None:
            name = context.name(s.assignee_id)
            return Step("skip", _l("Skipped: already assigned to %(name)s.", name=name))
        user, why = _assignee(action, s, rule, context)
        if user is None:
            return Step("skip", why)
        return Step("assign", _l("Assign to %(name)s", name=user.name), user=user)
    if kind == "add_tag":
        tag = action.get("tag", "").strip()
        if fold(tag) in {fold(t) for t in s.customer_tags}:
            return Step("skip", _l("Skipped: the customer already has the tag %(tag)s.", tag=tag))
        return Step("tag", _l("Tag the customer %(tag)s", tag=tag), tag=tag)
    if kind == "notify":
        to, message = action.get("to", "customer"), action.get("message", "")
        text = _l("Message to %(to)s: %(message)s", to=AUDIENCES.get(to, to), message=message)
        return Step("notify", text, to=to, message=message)
    return Step("skip", _l("Skipped: unknown action %(kind)s.", kind=kind))


def _assignee(action: dict, s: OrderSnapshot, rule, context: Context):
    """(the user an assign action picks, None) or (None, why nobody)."""
    staff, kind = context.staff(), action["kind"]
    if kind == "assign_pickup_point":
        user_id = (action.get("points") or {}).get(str(s.pickup_point_id))
        if s.pickup_point_id is None or user_id not in staff:
            return None, _l("Skipped: nobody is set for this pickup point.")
        return staff[user_id], ""
    chosen = [user_id for user_id in action.get("users") or [] if user_id in staff]
    if kind == "assign_least_loaded" and not action.get("users"):
        chosen = list(staff)
    if not chosen:
        return None, _l("Skipped: none of the chosen staff is active.")
    if kind == "assign_round_robin":
        return staff[chosen[context.turn(rule) % len(chosen)]], ""
    loads = context.loads()
    return staff[min(chosen, key=lambda user_id: (loads.get(user_id, 0), user_id))], ""


def after(step: Step, s: OrderSnapshot) -> OrderSnapshot:
    """The snapshot as the step leaves the order (for the rule's next action)."""
    if step.kind == "status":
        return replace(s, status=step.status, version=s.version + 1)
    if step.kind == "assign":
        return replace(s, assignee_id=step.user.id, version=s.version + 1)
    if step.kind == "tag":
        return replace(s, customer_tags=(*s.customer_tags, step.tag))
    return s


def apply(step: Step, s: OrderSnapshot, rule) -> None:
    """Do the step as "rule: <name>"; StaleOrder if the order changed since the snapshot."""
    actor, order = Actor.rule(rule.name), Order.get_by_id(s.order_id)
    if step.kind == "status":
        transition_order(order, step.status, actor, expected_version=s.version)
    elif step.kind == "assign":
        assign_order(order, step.user, actor, expected_version=s.version)
    elif step.kind == "tag":
        tag_customer(order, step.tag, actor)
    elif step.kind == "notify":
        event = record_event(order, actor, kind="notified", note=step.message)
        notice = NOTICES[MESSAGE_NOTICES[step.to]]
        settings = notice_settings(order.template_version.settings, notice)
        if settings["enabled"] and settings["channels"]:
            payload = {"event": event.id, "notice": notice.name}
            add_work("notify", f"notify.{event.id}.{notice.name}", payload)


def run_actions(rule, snapshot: OrderSnapshot, context: Context) -> None:
    """Decide and apply each action in turn, each in its own savepoint. A step the order no
    longer allows (someone changed it, the lifecycle refuses) is logged and skipped."""
    for action in rule.actions:
        try:
            with db.atomic():
                step = decide(action, snapshot, rule, context)
                if step.kind != "skip":
                    apply(step, snapshot, rule)
        except (StaleOrder, TransitionNotAllowed, InvalidTag, DuplicateTag) as error:
            log.info(
                "rule %r skipped %s on order %s: %s", rule.name, action, snapshot.order_id, error
            )
            continue
        if step.kind == "skip":
            log.info("rule %r on order %s: %s", rule.name, snapshot.order_id, step.text)
        snapshot = after(step, snapshot)
