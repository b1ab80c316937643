"""Changing one or many orders from the board, with a report of what happened to each.

Each order changes in its own transaction (through the lifecycle, assignment, notes and
payments functions), so one order that cannot move never holds back the others; the report
says which orders could not change and why, in the words of the domain error.
"""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from models.accounts.user import User
from models.errors import DomainError
from models.orders.lifecycle import Actor, assign_order, transition_order
from models.orders.notes import add_note
from models.orders.order import Order
from models.orders.payments import record_payment
from models.payments.claims import NoOpenClaim, confirm_claim, open_claim

MAX_ORDERS = 500  # orders one bulk action may change (each is its own transaction)


@dataclass(frozen=True)
class Target:
    """An order to change, at the version the user saw (None: whatever it is now)."""

    order_id: int
    version: int | None = None


@dataclass(frozen=True)
class Failure:
    order_id: int
    number: int | None
    reason: str


@dataclass
class Report:
    done: list[int] = field(default_factory=list)  # ids of the orders changed
    failed: list[Failure] = field(default_factory=list)

    @property
    def touched(self) -> list[int]:
        """Orders whose fresh state the user should see: the changed and the refused ones."""
        return self.done + [f.order_id for f in self.failed if f.number is not None]


class NoSuchOrder(DomainError):
    message = _l("This order no longer exists.")


def change_statuses(targets: list[Target], to_status: str, user: User) -> Report:
    """Move every target to `to_status` as `user`, where the lifecycle allows it."""
    actor = Actor.of_user(user)
    return _each(
        targets,
        lambda order, version: transition_order(order, to_status, actor, expected_version=version),
    )


def assign_orders(targets: list[Target], assignee: User | None, user: User) -> Report:
    """Make `assignee` (None: nobody) responsible for every target."""
    actor = Actor.of_user(user)
    return _each(
        targets,
        lambda order, version: assign_order(order, assignee, actor, expected_version=version),
    )


def note_orders(targets: list[Target], body: str, user: User) -> Report:
    """Add the same note to every target (notes never conflict, so versions are not checked)."""
    return _each(targets, lambda order, _version: add_note(order, author=user, body=body))


def mark_paid(targets: list[Target], method: str, user: User) -> Report:
    """Record for every target a payment by `method` of all it still owes, so it is paid."""
    actor = Actor.of_user(user)
    return _each(
        targets, lambda order, version: record_payment(order, None, method, actor, version)
    )


def confirm_claims(targets: list[Target], user: User) -> Report:
    """Confirm every target's open payment claim (models/payments/claims.py), recording it."""

    def confirm(order, _version):
        claim = open_claim(order)
        if claim is None:
            raise NoOpenClaim(_l("Order #%(number)s has no payment claim.", number=order.number))
        confirm_claim(claim, user)

    return _each(targets, confirm)


def _each(targets: list[Target], change) -> Report:
    orders = {o.id: o for o in Order.select().where(Order.id.in_([t.order_id for t in targets]))}
    report = Report()
    for target in targets:
        order = orders.get(target.order_id)
        try:
            if order is None:
                raise NoSuchOrder()
            change(order, target.version)
        except DomainError as error:
            report.failed.append(Failure(target.order_id, order and order.number, str(error)))
        else:
            report.done.append(target.order_id)
    return report
