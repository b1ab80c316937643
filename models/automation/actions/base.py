"""What an action kind adds to models/automation/kinds.py `Kind`: `decide` what it would do to
an order's snapshot (reads only), `apply` that step as the rule's actor, and `after`, the
snapshot as the step leaves the order (for the rule's next action)."""

from dataclasses import dataclass

from models.accounts.user import User
from models.automation.conditions import OrderSnapshot
from models.automation.kinds import Kind
from models.orders.status import STATUS_LABELS


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
    action: "Action | None" = None  # who applies it (None: a skip)


def skip(text) -> Step:
    return Step("skip", text)


class Action(Kind):
    def decide(self, stored: dict, s: OrderSnapshot, rule, context) -> Step:
        raise NotImplementedError

    def apply(self, step: Step, s: OrderSnapshot, rule) -> None:
        """Do the step as "rule: <name>"; StaleOrder if the order changed since the snapshot."""
        raise NotImplementedError

    def after(self, step: Step, s: OrderSnapshot) -> OrderSnapshot:
        return s


def status_label(status: str):
    return STATUS_LABELS.get(status, status)  # lazy: the text is made in the reader's language
