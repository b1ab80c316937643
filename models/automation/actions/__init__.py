"""What a rule does to a matching order: one action kind = one object of its module here (parse
the editor's row, `decide` on the order's snapshot, which only reads, `apply` as the rule's
actor so the timeline says "rule: <name>", shown through templates/rules/actions/<template>.html).
Try it (models/automation/preview.py) decides the same steps and applies none.

Actions (dicts with a `kind`, docs/automation.md; docs/architecture.md says how to add one):
    confirm                                      pending -> confirmed
    set_status           status                  one allowed step of the lifecycle
    assign_round_robin   users [ids]             the next of them in turn
    assign_pickup_point  points {point id: user id}
    assign_least_loaded  users [ids] (none: all) the one with the fewest open orders
    add_tag              tag                     a tag on the customer
    assign_courier       strategy (named, zone, least_load, round_robin), courier, users
                                                 the order on a courier's run (courier.py)
    notify               to (customer, staff), message
after-sales requested (aftersales.py, on a case's snapshot):
    approve_case                                 requested -> approved
    reject_case          message                 requested -> rejected, the reason to the customer
    assign_case          user                    that staff member, unless the case has someone
"""

import logging

from flask_babel import lazy_gettext as _l

from models.aftersales.lifecycle import CaseRefused, StaleCase
from models.automation.actions.aftersales import APPROVE_CASE, ASSIGN_CASE, REJECT_CASE
from models.automation.actions.assign import LEAST_LOADED, PICKUP_POINT, ROUND_ROBIN
from models.automation.actions.base import Action, Step, skip
from models.automation.actions.context import Context
from models.automation.actions.courier import ASSIGN_COURIER, STRATEGIES
from models.automation.actions.notify import AUDIENCES, NOTIFY
from models.automation.actions.status import CONFIRM, SET_STATUS
from models.automation.actions.tag import ADD_TAG
from models.automation.conditions import CaseSnapshot, OrderSnapshot
from models.automation.kinds import registry
from models.customers.tags import DuplicateTag, InvalidTag
from models.db import db
from models.delivery.runs import AlreadyOnARun, NotACourier, NotDeliverable
from models.errors import StaleOrder, TransitionNotAllowed

log = logging.getLogger(__name__)

# what a step may meet when the order changed meanwhile: logged and skipped
SKIPPED_ERRORS = (StaleOrder, TransitionNotAllowed, InvalidTag, DuplicateTag)
SKIPPED_ERRORS += (AlreadyOnARun, NotACourier, NotDeliverable, StaleCase, CaseRefused)

KINDS: dict[str, Action] = registry(
    CONFIRM, SET_STATUS, ROUND_ROBIN, PICKUP_POINT, LEAST_LOADED, ADD_TAG, NOTIFY, ASSIGN_COURIER,
    APPROVE_CASE, REJECT_CASE, ASSIGN_CASE,
)  # fmt: skip
ACTIONS = {name: kind.label for name, kind in KINDS.items()}


def decide(action: dict, s: OrderSnapshot | CaseSnapshot, rule, context: Context) -> Step:
    """What `action` would do to the order (or case) `s` now; reads only (a real run's round
    robin takes its turn)."""
    kind = KINDS.get(action.get("kind", ""))
    if kind is None or kind.subject != s.subject:
        return skip(_l("Skipped: unknown action %(kind)s.", kind=action.get("kind", "")))
    return kind.decide(action, s, rule, context)


def after(step: Step, s):
    """The snapshot as the step leaves the order (for the rule's next action)."""
    return s if step.action is None else step.action.after(step, s)


def run_actions(rule, snapshot: OrderSnapshot | CaseSnapshot, context: Context) -> None:
    """Decide and apply each action in turn, each in its own savepoint. A step the order no
    longer allows (someone changed it, the lifecycle refuses) is logged and skipped."""
    for action in rule.actions:
        try:
            with db.atomic():
                step = decide(action, snapshot, rule, context)
                if step.action is not None:
                    step.action.apply(step, snapshot, rule)
        except SKIPPED_ERRORS as error:
            log.info(
                "rule %r skipped %s on order %s: %s", rule.name, action, snapshot.order_id, error
            )
            continue
        if step.kind == "skip":
            log.info("rule %r on order %s: %s", rule.name, snapshot.order_id, step.text)
        snapshot = after(step, snapshot)


__all__ = [
    "ACTIONS",
    "AUDIENCES",
    "KINDS",
    "STRATEGIES",
    "Action",
    "Context",
    "Step",
    "after",
    "decide",
]
__all__ += ["run_actions"]
