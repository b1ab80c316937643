"""The after-sales SLA: a case is answered within ANSWER_HOURS of being opened (the config
AFTERSALES_ANSWER_HOURS, default 24). "Answered" is staff's or a rule's first step
(`first_answer_at`); an open case past the time without one is overdue and shows red on the
queue, and reminds staff once (`claim_reminder`; the sweep and its notice are
models/automation/aftersales_reminders.py)."""

from datetime import datetime, timedelta

from flask import current_app, has_app_context

from models.aftersales.case import AfterSalesCase, CaseStatus
from models.base import utcnow

DEFAULT_ANSWER_HOURS = 24
UNANSWERED = (CaseStatus.REQUESTED,)


def answer_hours() -> int:
    configured = current_app.config.get("AFTERSALES_ANSWER_HOURS") if has_app_context() else None
    return int(configured or DEFAULT_ANSWER_HOURS)


def answer_due(case: AfterSalesCase) -> datetime:
    """When the case should have its first answer."""
    return case.created_at + timedelta(hours=answer_hours())


def is_overdue(case: AfterSalesCase, now: datetime | None = None) -> bool:
    return (
        case.first_answer_at is None
        and case.status in UNANSWERED
        and answer_due(case) < (now or utcnow())
    )


def overdue_condition(now: datetime | None = None):
    """The SQL side of `is_overdue`."""
    since = (now or utcnow()) - timedelta(hours=answer_hours())
    return (
        AfterSalesCase.first_answer_at.is_null()
        & AfterSalesCase.status.in_(UNANSWERED)
        & (AfterSalesCase.created_at < since)
    )


def newly_overdue_ids(now: datetime | None = None) -> list[int]:
    """Overdue cases staff were not reminded of yet, oldest first."""
    query = AfterSalesCase.select(AfterSalesCase.id).where(
        overdue_condition(now), AfterSalesCase.reminded_at.is_null()
    )
    return [case_id for (case_id,) in query.order_by(AfterSalesCase.id).tuples()]


def claim_reminder(case_id: int, now: datetime | None = None) -> bool:
    """Mark the case reminded if it is still overdue and nobody marked it: one conditional
    UPDATE, so two sweeps at once remind once. True for the sweep that marked it."""
    now = now or utcnow()
    marked = (
        AfterSalesCase.update(reminded_at=now)
        .where(
            AfterSalesCase.id == case_id,
            AfterSalesCase.reminded_at.is_null(),
            overdue_condition(now),
        )
        .execute()
    )
    return marked == 1
