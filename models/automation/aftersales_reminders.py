"""The after-sales SLA reminder (docs/after-sales.md): a case left unanswered past
AFTERSALES_ANSWER_HOURS reminds staff once. The minute task (models/automation/timed.py) runs
`plan_overdue_reminders`: for each newly overdue case, marking it reminded (a conditional UPDATE,
models/aftersales/sla.py `claim_reminder`) and planning the outbox row `aftersales_overdue` are
one transaction, and the row's key is per case, so a case is reminded once however many sweeps
run. The worker (tasks/notifications.py `WORK`) turns the row into one in-app message per active
staff member and admin, and an email to the case's assignee when they have an address."""

from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from peewee import IntegrityError

from i18n import format_time
from models.accounts.user import STAFF_ROLES, User
from models.aftersales.case import AfterSalesCase
from models.aftersales.sla import answer_hours, claim_reminder, newly_overdue_ids
from models.base import utcnow
from models.db import db
from models.messaging.outbox import Outbox, add_work
from models.messaging.texts import page_url

KIND = "aftersales_overdue"  # the outbox kind and the deliveries' notice


def plan_overdue_reminders(now: datetime | None = None) -> int:
    """Mark every newly overdue case reminded and plan its reminder; how many were planned."""
    now = now or utcnow()
    planned = 0
    for case_id in newly_overdue_ids(now):
        try:
            with db.atomic():
                if claim_reminder(case_id, now):
                    add_work(KIND, f"aftersales:overdue:{case_id}", {"case": case_id})
                    planned += 1
        except IntegrityError:  # another sweep planned it a moment ago
            continue
    return planned


def overdue_messages(item: Outbox) -> list[dict]:
    """The deliveries of one `aftersales_overdue` row, for models/messaging/deliveries.py
    `add_deliveries`; none once the case was answered meanwhile or is gone."""
    case = AfterSalesCase.get_or_none(AfterSalesCase.id == item.payload["case"])
    if case is None or case.first_answer_at is not None:
        return []
    locale = current_app.config["DEFAULT_LOCALE"]
    with force_locale(locale):
        subject = _("After-sales %(case)s is waiting for an answer", case=case.code)
        body = _(
            "%(case)s (%(kind)s, order #%(number)s) was opened %(opened)s and has had no answer "
            "for %(hours)s hours.",
            case=case.code,
            kind=case.kind_label,
            number=case.order.number,
            opened=format_time(case.created_at),
            hours=answer_hours(),
        )
    people = User.select().where(User.active == True, User.role.in_(STAFF_ROLES))  # noqa: E712
    row = {"outbox": item.id, "notice": KIND, "audience": "staff", "order": case.order_id}
    row |= {"locale": locale, "subject": subject[:255], "body": body}
    rows = [
        row
        | {
            "channel": "inapp",
            "recipient": person.name,
            "user": person.id,
            "link": page_url("aftersales.show", external=False, case_id=case.id),
            "delivery_key": f"{item.delivery_key}.inapp.u{person.id}",
        }
        for person in people.order_by(User.id)
    ]
    assignee = case.assignee
    if assignee is not None and assignee.active and assignee.email:
        rows.append(
            row
            | {
                "channel": "email",
                "recipient": assignee.email,
                "user": assignee.id,
                "link": page_url("aftersales.show", case_id=case.id),
                "delivery_key": f"{item.delivery_key}.email.u{assignee.id}",
            }
        )
    return rows
