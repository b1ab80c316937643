"""Approval rules: the trigger "after-sales requested", its conditions (type, amount asked,
the customer's earlier cases) and actions (approve, reject with a reason, assign), through the
case lifecycle at the snapshot's version (a rule and staff at once: one approval, threads on
SQLite and PostgreSQL), Try it on the latest cases, and the editor."""

from collections import Counter as Tally
from datetime import timedelta

from models import ALL_MODELS
from models.aftersales.case import AfterSalesCase, CaseEvent
from models.aftersales.lifecycle import transition_case
from models.aftersales.requests import open_case
from models.automation.actions import Context, decide
from models.automation.conditions import case_snapshot_of, matches
from models.automation.preview import try_rule
from models.automation.rules import Rule, save_rule
from models.messaging.outbox import Outbox
from models.orders.lifecycle import Actor, walk_order
from tasks.notifications import sweep_due
from tests.factories import order_for, published_version
from tests.helpers import EN, race

EXAMPLE = [
    {"kind": "case_kind", "value": "refund_only"},
    {"kind": "case_amount_below", "value": 2000},
    {"kind": "customer_cases_below", "value": 2, "days": 90},
]


def rule(name, actions, conditions=(), trigger="aftersales_requested") -> Rule:
    return save_rule(
        None, None, name=name, trigger=trigger, enabled=True,
        conditions=list(conditions), actions=actions,
    )  # fmt: skip


def completed_order(product, units=3, phone="13800138000"):
    order = order_for(published_version(), [(product, units)], phone=phone)
    return walk_order(order, ("confirmed", "processing", "ready", "completed"), Actor.system())


def ask(order, customer_of, kind="refund_only", units=1, run=True):
    case = open_case(
        order, customer_of(order), kind=kind, quantities={order.lines[0].id: units}, reason="Bad"
    )
    if run:
        sweep_due()  # the outbox: the rules "after-sales requested"
    return AfterSalesCase.get_by_id(case.id)


def everything() -> list:
    return [list(model.select().order_by(model._meta.primary_key).tuples()) for model in ALL_MODELS]


def by_rules(case) -> list[tuple]:
    events = case.events.where(CaseEvent.actor_kind == "rule").order_by(CaseEvent.id)
    return [(e.actor_label, e.kind, e.to_status or e.note) for e in events]


def test_a_small_refund_only_of_a_new_customer_is_approved_by_the_rule(product, customer_of, staff):
    rule("Small refunds", [{"kind": "approve_case"}], EXAMPLE)
    order = completed_order(product)  # ¥12.50 a unit

    small = ask(order, customer_of)

    assert small.status == "approved" and small.first_answer_at is not None
    assert by_rules(small) == [("Small refunds", "status", "approved")]
    big = ask(order, customer_of, units=2)  # ¥25: not under ¥20
    assert big.status == "requested" and by_rules(big) == []


def test_a_customer_with_two_cases_in_90_days_is_left_to_staff(product, customer_of):
    rule("Small refunds", [{"kind": "approve_case"}], EXAMPLE)
    order = completed_order(product, units=4)
    ask(order, customer_of, kind="complaint")
    ask(order, customer_of, kind="return_refund")

    third = ask(order, customer_of)

    assert third.status == "requested"
    for case in AfterSalesCase.select().where(AfterSalesCase.id != third.id):
        case.created_at -= timedelta(days=91)  # the earlier two now fall out of the 90 days
        case.save()
    fourth = ask(order, customer_of)
    assert fourth.status == "approved"


def test_another_customers_cases_and_withdrawn_ones_do_not_count(product, customer_of):
    rule("Small refunds", [{"kind": "approve_case"}], EXAMPLE)
    other = completed_order(product, phone="13900139000")
    ask(other, customer_of, kind="complaint")
    ask(other, customer_of, kind="complaint")
    mine = completed_order(product)
    withdrawn = ask(mine, customer_of, kind="complaint")
    transition_case(withdrawn, "cancelled", customer_of(mine))
    ask(mine, customer_of, kind="complaint")

    assert ask(mine, customer_of).status == "approved"  # one earlier case of mine counts


def test_reject_with_a_reason_and_assign_to_a_named_staff_member(product, customer_of, staff):
    rule(
        "Complaints",
        [
            {"kind": "assign_case", "user": staff.id},
            {"kind": "reject_case", "message": "We do not refund opened goods."},
        ],
        [{"kind": "case_kind", "value": "return_refund"}],
    )
    case = ask(completed_order(product), customer_of, kind="return_refund")

    assert (case.status, case.assignee_id, case.answer) == (
        "rejected",
        staff.id,
        "We do not refund opened goods.",
    )
    assert by_rules(case) == [
        ("Complaints", "assigned", staff.name),
        ("Complaints", "status", "rejected"),
    ]


def test_nothing_is_planned_without_a_rule_and_order_rules_ignore_cases(product, customer_of):
    rule("Orders", [{"kind": "confirm"}], trigger="order_created")
    ask(completed_order(product), customer_of, run=False)
    assert not Outbox.select().where(Outbox.delivery_key.startswith("rules.case.")).exists()


def test_case_conditions_never_hold_for_an_order_nor_order_ones_for_a_case(product, customer_of):
    case = ask(completed_order(product), customer_of, run=False)
    snapshot = case_snapshot_of(case)
    assert matches(EXAMPLE, snapshot)
    assert not matches([{"kind": "total_at_most", "value": 99999}], snapshot)
    step = decide({"kind": "confirm"}, snapshot, Rule(name="x"), Context(dry_run=True))
    assert step.kind == "skip"


def test_a_staff_approval_first_makes_the_rule_skip(product, customer_of, staff):
    rule("Small refunds", [{"kind": "approve_case"}], EXAMPLE)
    case = ask(completed_order(product), customer_of, run=False)
    transition_case(case, "approved", Actor.of_user(staff))

    sweep_due()

    approvals = CaseEvent.select().where(CaseEvent.case == case.id, CaseEvent.kind == "status")
    assert [e.actor_kind for e in approvals] == ["staff"]


def test_a_rule_and_staff_approving_at_once_approve_once(app, product, customer_of, staff):
    approving = rule("Small refunds", [{"kind": "approve_case"}], EXAMPLE)
    case = ask(completed_order(product), customer_of, run=False)
    snapshot = case_snapshot_of(case)

    def work(i):
        if i == 0:
            step = decide({"kind": "approve_case"}, snapshot, approving, Context(False))
            return step.action.apply(step, snapshot, approving)
        return transition_case(case, "approved", Actor.of_user(staff)).version

    results = race(app, 2, work)

    assert Tally(outcome for outcome, _ in results) == {"ok": 1, "StaleCase": 1}, results
    stored = AfterSalesCase.get_by_id(case.id)
    assert (stored.status, stored.version) == ("approved", 2)
    steps = CaseEvent.select().where(CaseEvent.case == case.id, CaseEvent.kind == "status")
    assert steps.count() == 1


def test_try_it_shows_the_cases_a_rule_would_approve_and_writes_nothing(app, product, customer_of):
    order = completed_order(product)
    small = ask(order, customer_of, run=False)
    big = ask(order, customer_of, units=2, run=False)
    approving = rule("Small refunds", [{"kind": "approve_case"}], EXAMPLE)
    before = everything()

    tried = try_rule(approving)

    assert everything() == before
    assert [(t.case.id, t.matched) for t in tried] == [(big.id, False), (small.id, True)]
    with app.test_request_context(headers=EN):
        assert [str(s.text) for s in tried[1].steps] == ["Status Requested → Approved"]


def test_the_try_it_page_lists_the_cases(client, product, customer_of, admin, login):
    case = ask(completed_order(product), customer_of, run=False)
    shown = rule("Small refunds", [{"kind": "approve_case"}], EXAMPLE)
    login(admin)

    page = client.get(f"/admin/rules/{shown.id}/try", headers=EN).get_data(as_text=True)

    assert "Cases that match: 1" in page and case.code in page
    assert "Status Requested → Approved" in page


def editor_post(post_form, **data):
    base = {"name": "Small refunds", "trigger": "aftersales_requested", "enabled": "y"}
    return post_form("/admin/rules/new", base | data, page="/admin/rules/new", headers=EN)


def test_an_admin_builds_the_example_rule_in_the_editor(client, admin, staff, login, post_form):
    login(admin)
    redrawn = editor_post(post_form, refresh="1", **{"conditions-0-kind": ""})
    html = redrawn.get_data(as_text=True)
    assert 'value="customer_cases_below"' in html and 'value="total_at_most"' not in html

    saved = editor_post(
        post_form,
        **{
            "conditions-0-kind": "case_kind",
            "conditions-0-value": "refund_only",
            "conditions-1-kind": "case_amount_below",
            "conditions-1-value": "20",
            "conditions-2-kind": "customer_cases_below",
            "conditions-2-value": "2",
            "conditions-2-days": "90",
            "actions-0-kind": "approve_case",
            "actions-1-kind": "assign_case",
            "actions-1-user": str(staff.id),
        },
    )

    assert saved.status_code == 303
    made = Rule.get(Rule.name == "Small refunds")
    assert made.conditions == EXAMPLE
    assert made.actions == [{"kind": "approve_case"}, {"kind": "assign_case", "user": staff.id}]
    page = client.get(f"/admin/rules/{made.id}", headers=EN).get_data(as_text=True)
    assert 'name="conditions-2-days" type="number" value="90"' in page


def test_a_wrong_case_rule_comes_back_with_its_errors(client, admin, login, post_form):
    login(admin)
    response = editor_post(
        post_form,
        **{
            "conditions-0-kind": "customer_cases_below",
            "conditions-0-value": "two",
            "conditions-0-days": "90",
            "conditions-1-kind": "total_at_most",
            "conditions-1-value": "20",
            "actions-0-kind": "reject_case",
            "actions-0-message": "",
        },
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 422 and Rule.select().count() == 0
    assert "Enter a whole number of at least 1." in html and 'value="two"' in html
    assert "This does not go with the trigger chosen above." in html
    assert "Say why (at most 500 characters)." in html
