"""The after-sales SLA reminder: a case unanswered past AFTERSALES_ANSWER_HOURS reminds staff
once (in-app to every staff member and admin, email to its assignee), however often or however
concurrently the minute task runs (threads, SQLite and PostgreSQL); a case answered in time
reminds nobody; the message shows the shop's time."""

from datetime import datetime, timedelta

from models.aftersales.case import AfterSalesCase
from models.aftersales.lifecycle import assign_case, transition_case
from models.aftersales.requests import open_case
from models.automation.aftersales_reminders import KIND, plan_overdue_reminders
from models.automation.timed import run_automation
from models.base import utcnow
from models.messaging.deliveries import Delivery, InboxMessage
from models.messaging.outbox import Outbox
from models.orders.lifecycle import Actor
from tasks.notifications import sweep_due
from tests.helpers import race

OPENED = datetime(2026, 12, 1, 2, 5)  # UTC: 10:05 in Shanghai, the shop's time


def ask(order, customer_of, hours_ago=25):
    case = open_case(
        order, customer_of(order), kind="refund_only", quantities={order.lines[0].id: 1},
        reason="Damaged",
    )  # fmt: skip
    AfterSalesCase.update(created_at=utcnow() - timedelta(hours=hours_ago)).where(
        AfterSalesCase.id == case.id
    ).execute()
    return AfterSalesCase.get_by_id(case.id)


def reminders():
    return Outbox.select().where(Outbox.kind == KIND)


def inbox_of(user) -> list[InboxMessage]:
    return list(
        InboxMessage.select()
        .join(Delivery)
        .where(InboxMessage.user == user.id, Delivery.notice == KIND)
    )


def test_an_overdue_case_reminds_staff_once_and_its_assignee_by_email(
    completed, customer_of, staff, admin, mailbox
):
    case = ask(completed, customer_of)
    assign_case(case, staff, Actor.of_user(admin))

    run_automation()
    run_automation()  # the next minute: nothing new
    sweep_due()
    plan_overdue_reminders()
    sweep_due()

    assert reminders().count() == 1
    assert AfterSalesCase.get_by_id(case.id).reminded_at is not None
    sent = Delivery.select().where(Delivery.notice == KIND)
    assert sorted((d.channel, d.user_id) for d in sent) == sorted(
        [("inapp", staff.id), ("inapp", admin.id), ("email", staff.id)]
    )
    (inbox,) = inbox_of(staff)
    assert inbox.title == f"After-sales {case.code} is waiting for an answer"
    assert inbox.link == f"/board/after-sales/{case.id}"
    (mail,) = mailbox.to(staff.email)
    assert mail["Subject"] == inbox.title


def test_the_message_shows_the_shops_time(completed, customer_of, staff):
    case = ask(completed, customer_of)
    AfterSalesCase.update(created_at=OPENED).where(AfterSalesCase.id == case.id).execute()

    plan_overdue_reminders()
    sweep_due()

    (inbox,) = inbox_of(staff)
    order = case.order
    assert inbox.body.replace("\u202f", " ") == (  # CLDR puts a narrow space before AM
        f"{case.code} (Refund only, order #{order.number}) was opened Dec 1, 2026, 10:05 AM "
        "and has had no answer for 24 hours."
    )  # 02:05 UTC on the shop's clock (Asia/Shanghai)


def test_sweeps_at_once_remind_once(app, completed, customer_of, staff):
    case = ask(completed, customer_of)

    results = race(app, 6, lambda i: plan_overdue_reminders())

    assert sorted(value for outcome, value in results if outcome == "ok") == [0, 0, 0, 0, 0, 1]
    assert [row.payload for row in reminders()] == [{"case": case.id}]


def test_a_case_answered_in_time_reminds_nobody(completed, customer_of, staff):
    answered = ask(completed, customer_of, hours_ago=2)
    transition_case(answered, "approved", Actor.of_user(staff))
    AfterSalesCase.update(created_at=utcnow() - timedelta(hours=30)).where(
        AfterSalesCase.id == answered.id
    ).execute()
    ask(completed, customer_of, hours_ago=23)  # not yet due

    assert plan_overdue_reminders() == 0
    assert reminders().count() == 0


def test_a_case_answered_before_the_worker_came_tells_nobody(completed, customer_of, staff):
    case = ask(completed, customer_of)
    plan_overdue_reminders()
    transition_case(case, "approved", Actor.of_user(staff))

    sweep_due()

    assert not Delivery.select().where(Delivery.notice == KIND).exists()
