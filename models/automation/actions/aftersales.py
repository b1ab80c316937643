"""Actions of the trigger "after-sales requested", on a case's snapshot: approve it, reject it
with a reason (shown to the customer), or assign it to a named staff member. Each goes through
the case lifecycle (models/aftersales/lifecycle.py) at the version the snapshot saw, so a staff
member acting on the case meanwhile wins and the rule's step is skipped (StaleCase)."""

from dataclasses import replace

from flask_babel import lazy_gettext as _l

from models.aftersales.case import STATUS_LABELS, AfterSalesCase, CaseStatus
from models.aftersales.lifecycle import TRANSITIONS, assign_case, transition_case
from models.automation.actions.base import Action, Step, skip
from models.automation.kinds import RowError
from models.orders.lifecycle import Actor
from models.params import positive_id

MAX_REASON = 500


class CaseAction(Action):
    subject = "case"


class Decide(CaseAction):
    """Approve or reject a requested case."""

    to = CaseStatus.APPROVED

    def parse(self, row: dict, choices) -> dict:
        return {"kind": self.name}

    def decide(self, stored, s, rule, context) -> Step:
        words = {"old": STATUS_LABELS.get(s.status, s.status), "new": STATUS_LABELS[self.to]}
        if "rule" not in TRANSITIONS.get((s.status, self.to), ()):
            return skip(_l("Skipped: the case cannot go from %(old)s to %(new)s.", **words))
        text = _l("Status %(old)s → %(new)s", **words)
        return Step("status", text, status=self.to, message=self.note(stored), action=self)

    def note(self, stored: dict) -> str:
        return ""

    def apply(self, step, s, rule) -> None:
        case = AfterSalesCase.get_by_id(s.case_id)
        actor = Actor.rule(rule.name)
        transition_case(case, step.status, actor, expected_version=s.version, note=step.message)

    def after(self, step, s):
        return replace(s, status=step.status, version=s.version + 1)


class Reject(Decide):
    inputs = ("message",)
    to = CaseStatus.REJECTED

    def parse(self, row: dict, choices) -> dict:
        if not row["message"] or len(row["message"]) > MAX_REASON:
            raise RowError("message", _l("Say why (at most %(max)s characters).", max=MAX_REASON))
        return {"kind": self.name, "message": row["message"]}

    def note(self, stored: dict) -> str:
        return stored.get("message") or ""


class AssignTo(CaseAction):
    """Make one named staff member responsible for the case, unless it has someone."""

    inputs = ("user",)

    def parse(self, row: dict, choices) -> dict:
        user = positive_id(row["user"])
        if user not in choices.staff:
            raise RowError("user", _l("Choose a staff member."))
        return {"kind": self.name, "user": user}

    def decide(self, stored, s, rule, context) -> Step:
        if s.assignee_id is not None:
            name = context.name(s.assignee_id)
            return skip(_l("Skipped: already assigned to %(name)s.", name=name))
        user = context.staff().get(stored.get("user"))
        if user is None:
            return skip(_l("Skipped: the chosen staff member is not active."))
        return Step("assign", _l("Assign to %(name)s", name=user.name), user=user, action=self)

    def apply(self, step, s, rule) -> None:
        case = AfterSalesCase.get_by_id(s.case_id)
        assign_case(case, step.user, Actor.rule(rule.name), expected_version=s.version)

    def after(self, step, s):
        return replace(s, assignee_id=step.user.id, version=s.version + 1)


APPROVE_CASE = Decide("approve_case", _l("Approve the request"))
REJECT_CASE = Reject("reject_case", _l("Reject the request, saying why"))
ASSIGN_CASE = AssignTo("assign_case", _l("Assign the case to"))
