"""Rule triggers: when a rule runs. One trigger = one entry of the registry; an event trigger
names the `OrderEvent` kind that sets it off (planned through `order_changed`, see
docs/architecture.md), the schedule runs every minute on open orders (tasks/automation.py).
"After-sales requested" is about a case (`subject` "case"): the case-opened signal
(models/aftersales/signals.py) plans it, and its rules take the case conditions and actions."""

from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Trigger:
    name: str
    label: LazyString | str
    event: str = ""  # the OrderEvent kind that sets it off; "" for the minute schedule
    as_placed: bool = False  # Try it shows each order as it was placed (pending, nobody assigned)
    subject: str = "order"  # what its rules look at and change: "order" or "case"

    @property
    def scheduled(self) -> bool:
        """Runs every minute, once per open order, looking at the time now."""
        return self.subject == "order" and not self.event


KINDS = {
    trigger.name: trigger
    for trigger in (
        Trigger("order_created", _l("An order is placed"), "created", as_placed=True),
        Trigger("status_changed", _l("An order's status changes"), "status"),
        Trigger("payment_recorded", _l("A payment is recorded"), "payment"),
        Trigger("payment_refunded", _l("Money is refunded"), "refunded"),
        Trigger("schedule", _l("Every minute, for open orders")),
        Trigger("aftersales_requested", _l("After-sales is requested"), subject="case"),
    )
}
CASE_REQUESTED = KINDS["aftersales_requested"]
SCHEDULE = KINDS["schedule"]
TRIGGERS = {name: trigger.label for name, trigger in KINDS.items()}
EVENT_TRIGGERS = {trigger.event: name for name, trigger in KINDS.items() if trigger.event}
SUBJECTS = {name: trigger.subject for name, trigger in KINDS.items()}


def trigger_of(name: str) -> Trigger:
    """The trigger of that name; a name no longer known is set off by nothing."""
    return KINDS.get(name) or Trigger(name, name, event=f"unknown:{name}")
