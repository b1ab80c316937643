"""The after-sales SLA: a case is answered within ANSWER_HOURS of being opened (the config
AFTERSALES_ANSWER_HOURS, default 24). "Answered" is staff's or a rule's first step
(`first_answer_at`); an open case past the time without one is overdue and shows red on the
queue."""

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
