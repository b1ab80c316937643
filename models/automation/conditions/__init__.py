"""Rule conditions: one kind = one object of its module here (parse the editor's row, check it
against an order's snapshot, show it through its partial
templates/rules/conditions/<template>.html).

`matches(conditions, snapshot)` reads nothing but its arguments, so the tests compare it with an
oracle over generated snapshots. A rule's conditions all have to hold (none: every order). Each
stored condition is a dict with a `kind` (KINDS) and its `value`; `answer_*` also name the form
`field`, `time_between` has an `until`; `delivery_zone` and `delivery_method` read the snapshot's
`zone_id` and `method`, `customer_tier*` its `tier_id` and ranks. The case kinds (aftersales.py,
`days` besides `value`) look at a case's snapshot (case_snapshot.py), for the trigger
"after-sales requested". docs/automation.md describes each one; docs/architecture.md says how to
add one.
"""

from models.automation.conditions.aftersales import (
    AMOUNT_AT_LEAST,
    AMOUNT_BELOW,
    CASE_KIND,
    EARLIER_CASES_BELOW,
)
from models.automation.conditions.answers import ANSWER_CONTAINS, ANSWER_EQUALS
from models.automation.conditions.base import Condition
from models.automation.conditions.case_snapshot import CaseSnapshot, case_snapshot_of
from models.automation.conditions.choice import ACTIVITY, PICKUP_POINT, STATUS
from models.automation.conditions.customer_tag import CUSTOMER_TAG
from models.automation.conditions.customer_tier import CUSTOMER_TIER, CUSTOMER_TIER_AT_LEAST
from models.automation.conditions.delivery import DELIVERY_METHOD, DELIVERY_ZONE
from models.automation.conditions.numbers import (
    QUANTITY_AT_LEAST,
    QUANTITY_AT_MOST,
    TOTAL_AT_LEAST,
    TOTAL_AT_MOST,
)
from models.automation.conditions.snapshot import OrderSnapshot, snapshot_of, snapshots
from models.automation.conditions.time_between import TIME_BETWEEN
from models.automation.kinds import registry

KINDS: dict[str, Condition] = registry(
    ACTIVITY,
    STATUS,
    TOTAL_AT_LEAST,
    TOTAL_AT_MOST,
    QUANTITY_AT_LEAST,
    QUANTITY_AT_MOST,
    ANSWER_EQUALS,
    ANSWER_CONTAINS,
    PICKUP_POINT,
    CUSTOMER_TAG,
    CUSTOMER_TIER,
    CUSTOMER_TIER_AT_LEAST,
    TIME_BETWEEN,
    DELIVERY_ZONE,
    DELIVERY_METHOD,
    CASE_KIND,
    AMOUNT_BELOW,
    AMOUNT_AT_LEAST,
    EARLIER_CASES_BELOW,
)
CONDITIONS = {name: kind.label for name, kind in KINDS.items()}


def matches(conditions: list[dict], snapshot: OrderSnapshot | CaseSnapshot) -> bool:
    return all(holds(condition, snapshot) for condition in conditions)


def holds(condition: dict, s: OrderSnapshot | CaseSnapshot) -> bool:
    """Whether one condition holds; an unknown kind, or one about another subject (a case
    condition on an order), never does (the rule does nothing)."""
    kind = KINDS.get(condition.get("kind"))
    return kind is not None and kind.subject == s.subject and kind.holds(condition, s)


__all__ = ["CONDITIONS", "KINDS", "CaseSnapshot", "Condition", "OrderSnapshot", "matches"]
__all__ += ["case_snapshot_of", "holds", "snapshot_of", "snapshots"]
