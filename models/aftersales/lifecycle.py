"""The after-sales state machine: which status changes exist and who may make each.

    requested -> approved -> awaiting_return -> received -> refunded / replaced / redone -> closed
        |  \\          \\______________________________/^  (no return: approved -> resolved)
        |   \\-> rejected (a reason is required) -> closed
        \\-> cancelled (the customer, while requested)

A complaint is approved and closed. Staff may cancel an approved case (an exchange's replacement
order is cancelled with it, giving its units back). Every change writes its CaseEvent in the transaction of the
change, and only applies if the case is still at the version the caller saw (as orders do).
"""

from datetime import UTC

from flask_babel import lazy_gettext as _l

from models.aftersales.case import (
    DISPOSITIONS,
    RESTOCKED,
    AfterSalesCase,
    CaseEvent,
    CaseKind,
    CaseLine,
    CaseStatus,
)
from models.aftersales.exchange import has_replacement, place_replacement, withdraw_replacement
from models.aftersales.notices import step_words, tell_customer, tell_shop
from models.base import utcnow
from models.catalog import stock
from models.db import db
from models.errors import DomainError, TransitionNotAllowed
from models.orders.lifecycle import AUTOMATION, STAFF, Actor
from models.orders.order import Order, OrderLine
from models.shop_time import shop_zone

(
    REQUESTED,
    APPROVED,
    REJECTED,
    AWAITING_RETURN,
    RECEIVED,
    REFUNDED,
    REPLACED,
    REDONE,
    CLOSED,
    CANCELLED,
) = CaseStatus
RESOLVED = (REFUNDED, REPLACED, REDONE)
FINISHED = (CLOSED, CANCELLED)

TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (REQUESTED, APPROVED): STAFF | AUTOMATION,
    (REQUESTED, REJECTED): STAFF | AUTOMATION,
    (REQUESTED, CANCELLED): frozenset({"customer"}),
    (APPROVED, AWAITING_RETURN): STAFF,
    (APPROVED, REFUNDED): STAFF,
    (APPROVED, REPLACED): STAFF,
    (APPROVED, REDONE): STAFF,
    (APPROVED, CLOSED): STAFF,  # a complaint answered
    (APPROVED, CANCELLED): STAFF,  # an exchange's replacement order is cancelled with it
    (AWAITING_RETURN, CANCELLED): STAFF,
    (AWAITING_RETURN, RECEIVED): STAFF,
    (RECEIVED, REFUNDED): STAFF,
    (RECEIVED, REPLACED): STAFF,
    (RECEIVED, REDONE): STAFF,
    (REJECTED, CLOSED): STAFF | AUTOMATION,
    (REFUNDED, CLOSED): STAFF | AUTOMATION,
    (REPLACED, CLOSED): STAFF | AUTOMATION,
    (REDONE, CLOSED): STAFF | AUTOMATION,
}


class StaleCase(DomainError):
    message = _l("Someone else changed this case a moment ago. Reload it and try again.")


class CaseRefused(DomainError):
    message = _l("This after-sales step is not possible.")


def may_transition(case: AfterSalesCase, to_status: str, actor: Actor) -> bool:
    if actor.kind not in TRANSITIONS.get((case.status, to_status), ()):
        return False
    if actor.kind != "customer":
        return True
    return actor.customer.id == Order.get_by_id(case.order_id).customer_id


def allowed_transitions(case: AfterSalesCase, actor: Actor) -> list[str]:
    """The statuses `actor` may move `case` to now, in lifecycle order."""
    return [
        to for (frm, to) in TRANSITIONS if frm == case.status and may_transition(case, to, actor)
    ]


def transition_case(
    case: AfterSalesCase,
    to_status: str,
    actor: Actor,
    *,
    expected_version: int | None = None,
    note: str = "",
    dispositions: dict[int, str] | None = None,
    booking=None,
) -> AfterSalesCase:
    """Move `case` to `to_status` as `actor`; return the case as stored afterwards.

    `note` is the reason of a rejection (required) or a word to the customer, shown on the
    tracking page. Receiving the goods takes `dispositions` (case line id → RESTOCKED or
    WRITTEN_OFF) for every line: restocked units go back on the shelf, once. Approving an
    exchange places its replacement order (models/aftersales/exchange.py), reserving its stock
    all or nothing; approving a redo takes its `booking` (models/aftersales/redo.py
    redo_window), if any. Replaced needs the replacement order; cancelling cancels it.

    Raises StaleCase if the case changed since the caller loaded it (`expected_version`, by
    default `case.version`), TransitionNotAllowed if the lifecycle does not let this actor make
    this change, and CaseRefused for a missing reason or disposition.
    """
    expected = case.version if expected_version is None else expected_version
    note = (note or "").strip()
    with db.atomic():
        current = AfterSalesCase.get_by_id(case.id)
        if current.version != expected:
            raise StaleCase()
        if not may_transition(current, to_status, actor):
            raise TransitionNotAllowed(
                _l(
                    "This case cannot go from %(from)s to %(to)s.",
                    **{"from": current.status_label, "to": CaseStatus(to_status).label},
                )
            )
        if to_status == REJECTED and not note:
            raise CaseRefused(_l("Say why the request is rejected."))
        if to_status == REPLACED and not has_replacement(current):
            raise CaseRefused(_l("Only an exchange with its replacement order can be replaced."))
        changes = {"status": to_status}
        if note:
            changes["answer"] = note
        if current.first_answer_at is None and actor.kind != "customer":
            changes["first_answer_at"] = utcnow()
        if to_status in FINISHED:
            changes["closed_at"] = utcnow()
        bump_case(current, expected, **changes)
        if to_status == RECEIVED:
            _receive(current, dispositions or {}, actor)
        if to_status == APPROVED and current.kind == CaseKind.EXCHANGE:
            place_replacement(current, actor)
        if to_status == CANCELLED:
            withdraw_replacement(current, actor)
        if to_status == APPROVED and current.kind == CaseKind.REDO and booking is not None:
            _book(current, booking, actor)
        record_case_event(
            current,
            actor,
            kind="status",
            from_status=current.status,
            to_status=to_status,
            note=note,
        )
        tell = tell_shop if actor.kind == "customer" else tell_customer
        tell(current, actor, step_words(to_status, note))
    return AfterSalesCase.get_by_id(case.id)


def assign_case(
    case: AfterSalesCase, assignee, actor: Actor, *, expected_version: int | None = None
) -> AfterSalesCase:
    """Make `assignee` (a User; None: nobody) responsible for `case`; StaleCase if it changed
    since the caller loaded it."""
    expected = case.version if expected_version is None else expected_version
    with db.atomic():
        bump_case(case, expected, assignee=assignee.id if assignee else None)
        record_case_event(case, actor, kind="assigned", note=assignee.name if assignee else "")
    return AfterSalesCase.get_by_id(case.id)


def bump_case(case: AfterSalesCase, expected_version: int, **changes) -> None:
    """Write `changes` only if the case is still at `expected_version`, else StaleCase."""
    updated = (
        AfterSalesCase.update(version=AfterSalesCase.version + 1, updated_at=utcnow(), **changes)
        .where(AfterSalesCase.id == case.id, AfterSalesCase.version == expected_version)
        .execute()
    )
    if updated != 1:
        raise StaleCase()


def record_case_event(case: AfterSalesCase, actor: Actor, **fields) -> CaseEvent:
    return CaseEvent.create(
        case=case.id,
        actor_kind=actor.kind,
        actor_user=actor.user,
        actor_label=actor.label,
        **fields,
    )


def _book(case: AfterSalesCase, booking, actor: Actor) -> None:
    """Keep the redo's booking (a PickupWindow, UTC) and put it on the timeline, shop time."""
    AfterSalesCase.update(redo_starts_at=booking.starts_at, redo_ends_at=booking.ends_at).where(
        AfterSalesCase.id == case.id
    ).execute()
    zone = shop_zone()
    starts, ends = (
        moment.replace(tzinfo=UTC).astimezone(zone)
        for moment in (booking.starts_at, booking.ends_at)
    )
    record_case_event(case, actor, kind="booked", note=f"{starts:%Y-%m-%d %H:%M}–{ends:%H:%M}")


def _receive(case: AfterSalesCase, dispositions: dict[int, str], actor: Actor) -> None:
    """The returned goods arrived: each line restocked or written off, as staff chose."""
    lines = list(
        CaseLine.select(CaseLine, OrderLine).join(OrderLine).where(CaseLine.case == case.id)
    )
    chosen = {int(line_id): value for line_id, value in dispositions.items()}
    if any(chosen.get(line.id) not in DISPOSITIONS for line in lines):
        raise CaseRefused(_l("Choose for every line: back to stock or written off."))
    order_number = Order.get_by_id(case.order_id).number
    for line in lines:
        CaseLine.update(disposition=chosen[line.id]).where(CaseLine.id == line.id).execute()
        sold = line.line
        if chosen[line.id] != RESTOCKED or sold.product_id is None or not sold.holds_stock:
            continue
        stock.receive(
            sold.product_id,
            sold.warehouse_id,
            line.quantity,
            kind="returned",
            reason=f"After-sales {case.code}",
            by=actor.user,
            order_number=order_number,
        )
