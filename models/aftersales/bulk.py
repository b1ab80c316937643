"""Changing many cases from the queue at once (approve, reject with one reason, assign), with a
report of what happened to each, as the order board's bulk actions (models/board/bulk.py).

Each case changes in its own transaction through the lifecycle, at the version the queue showed:
one case that cannot move (or that someone else changed meanwhile) never holds back the others,
and the report says which could not and why, in the domain error's words.
"""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from models.accounts.user import User
from models.aftersales.case import AfterSalesCase
from models.aftersales.lifecycle import APPROVED, REJECTED, assign_case, transition_case
from models.errors import DomainError
from models.orders.lifecycle import Actor
from models.params import positive_id, whole_number

MAX_CASES = 200  # cases one bulk action may change (each is its own transaction)


@dataclass(frozen=True)
class Target:
    """A case to change, at the version the user saw."""

    case_id: int
    version: int


@dataclass(frozen=True)
class Failure:
    case_id: int
    code: str
    reason: str


@dataclass
class Report:
    done: list[int] = field(default_factory=list)  # ids of the cases changed
    failed: list[Failure] = field(default_factory=list)


class NoSuchCase(DomainError):
    message = _l("This case no longer exists.")


def parse_targets(values) -> list[Target]:
    """The queue's ticked "id.version" boxes, each case once; malformed ones are dropped."""
    targets = {}
    for value in values:
        case_id, _, version = str(value).partition(".")
        case_id, version = positive_id(case_id), whole_number(version)
        if case_id is not None and version is not None:
            targets.setdefault(case_id, Target(case_id, version))
    return list(targets.values())


def approve_cases(targets: list[Target], user: User, note: str = "") -> Report:
    actor = Actor.of_user(user)
    return _each(
        targets,
        lambda case, version: transition_case(
            case, APPROVED, actor, expected_version=version, note=note
        ),
    )


def reject_cases(targets: list[Target], reason: str, user: User) -> Report:
    """Reject every target with the same `reason` (required, shown to each customer)."""
    actor = Actor.of_user(user)
    return _each(
        targets,
        lambda case, version: transition_case(
            case, REJECTED, actor, expected_version=version, note=reason
        ),
    )


def assign_cases(targets: list[Target], assignee: User | None, user: User) -> Report:
    actor = Actor.of_user(user)
    return _each(
        targets,
        lambda case, version: assign_case(case, assignee, actor, expected_version=version),
    )


def _each(targets: list[Target], change) -> Report:
    ids = [target.case_id for target in targets]
    cases = {case.id: case for case in AfterSalesCase.select().where(AfterSalesCase.id.in_(ids))}
    report = Report()
    for target in targets:
        case = cases.get(target.case_id)
        try:
            if case is None:
                raise NoSuchCase()
            change(case, target.version)
        except DomainError as error:
            report.failed.append(Failure(target.case_id, case.code if case else "", str(error)))
        else:
            report.done.append(target.case_id)
    return report
