"""Rules: conditions against an oracle (hypothesis), actions as "rule: <name>", the defined
order, the loop guard, schedule rules, Try it (which writes nothing) and the admin pages."""

from datetime import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import ALL_MODELS
from models.automation.conditions import OrderSnapshot, matches
from models.automation.preview import try_rule
from models.automation.rules import Rule, move_rule, plan_scheduled_rules, save_rule
from models.messaging.deliveries import InboxMessage
from models.messaging.outbox import Outbox
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order, OrderEvent
from models.orders.status import STATUSES
from tasks.notifications import sweep_due
from tests.factories import order_for, stock_of
from tests.helpers import EN, HTMX, csrf_token_from, make_user, web_request

# --- conditions against an oracle -------------------------------------------------------------

WORDS = ["red", "Red ", "blue", "big box", "", "Ab"]
FIELDS = ["size", "opts", "ok", "items", "nothing"]


def snapshots():
    answer = st.one_of(
        st.none(),
        st.sampled_from(WORDS),
        st.lists(st.sampled_from(WORDS), max_size=3),
        st.booleans(),
        st.integers(0, 3),
        st.just({"12": 2}),
    )
    return st.builds(
        OrderSnapshot,
        order_id=st.just(1),
        version=st.just(1),
        template_id=st.integers(1, 3),
        status=st.sampled_from(STATUSES),
        total=st.integers(0, 60_000),
        quantity=st.integers(0, 30),
        answers=st.dictionaries(st.sampled_from(FIELDS[:4]), answer),
        pickup_point_id=st.one_of(st.none(), st.integers(1, 2)),
        assignee_id=st.none(),
        customer_tags=st.lists(st.sampled_from(["VIP", "vip", "new", " late"]), max_size=3).map(
            tuple
        ),
        moment=st.builds(time, st.integers(0, 23), st.integers(0, 59)),
        zone_id=st.one_of(st.none(), st.integers(1, 2)),
        method=st.sampled_from(["pickup", "own", "express"]),
    )


CLOCKS = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.sampled_from([0, 30]))


def conditions():
    one = st.one_of(
        st.fixed_dictionaries({"kind": st.just("template"), "value": st.integers(1, 3)}),
        st.fixed_dictionaries({"kind": st.just("status"), "value": st.sampled_from(STATUSES)}),
        st.fixed_dictionaries(
            {
                "kind": st.sampled_from(["total_at_least", "total_at_most"]),
                "value": st.integers(0, 60_000),
            }
        ),
        st.fixed_dictionaries(
            {
                "kind": st.sampled_from(["quantity_at_least", "quantity_at_most"]),
                "value": st.integers(0, 30),
            }
        ),
        st.fixed_dictionaries(
            {
                "kind": st.sampled_from(["answer_equals", "answer_contains"]),
                "field": st.sampled_from(FIELDS),
                "value": st.sampled_from(["red", "RED", "b", "yes", "no", "1", "big box"]),
            }
        ),
        st.fixed_dictionaries({"kind": st.just("pickup_point"), "value": st.integers(1, 2)}),
        st.fixed_dictionaries(
            {"kind": st.just("customer_tag"), "value": st.sampled_from(["vip", "NEW", "late"])}
        ),
        st.fixed_dictionaries(
            {"kind": st.just("time_between"), "value": CLOCKS, "until": CLOCKS}
        ).filter(lambda c: c["value"] != c["until"]),
        st.fixed_dictionaries({"kind": st.just("delivery_zone"), "value": st.integers(1, 2)}),
        st.fixed_dictionaries(
            {"kind": st.just("delivery_method"), "value": st.sampled_from(["own", "express"])}
        ),
        st.fixed_dictionaries({"kind": st.just("unknown"), "value": st.just(1)}),
    )
    return st.lists(one, max_size=3)


def oracle(conditions: list[dict], s: OrderSnapshot) -> bool:
    """The conditions as docs/automation.md words them, written out plainly."""
    for c in conditions:
        kind, value = c["kind"], c.get("value")
        if kind in ("answer_equals", "answer_contains"):
            answer = s.answers.get(c["field"])
            if isinstance(answer, bool):
                texts = ["yes"] if answer else ["no"]
            elif isinstance(answer, list):
                texts = answer
            elif answer is None or isinstance(answer, dict):
                texts = []
            else:
                texts = [str(answer)]
            texts = [t.strip().casefold() for t in texts]
            wanted = value.strip().casefold()
            ok = wanted in texts if kind == "answer_equals" else any(wanted in t for t in texts)
        elif kind == "time_between":
            minute = s.moment.hour * 60 + s.moment.minute
            start, end = (int(t[:2]) * 60 + int(t[3:]) for t in (value, c["until"]))
            day = list(range(24 * 60))
            window = day[start:end] if start < end else day[start:] + day[:end]
            ok = minute in window
        elif kind == "customer_tag":
            ok = value.casefold() in [t.strip().casefold() for t in s.customer_tags]
        else:
            compare = {
                "template": ("template_id", "=="),
                "status": ("status", "=="),
                "total_at_least": ("total", ">="),
                "total_at_most": ("total", "<="),
                "quantity_at_least": ("quantity", ">="),
                "quantity_at_most": ("quantity", "<="),
                "pickup_point": ("pickup_point_id", "=="),
                "delivery_zone": ("zone_id", "=="),
                "delivery_method": ("method", "=="),
            }
            if kind not in compare:
                return False
            name, op = compare[kind]
            have = getattr(s, name)
            ok = have == value if op == "==" else have >= value if op == ">=" else have <= value
        if not ok:
            return False
    return True


@settings(max_examples=400, deadline=None)
@given(conditions(), snapshots())
def test_conditions_agree_with_the_oracle(conditions, snapshot):
    assert matches(conditions, snapshot) == oracle(conditions, snapshot)


def at(clock: str, **changes) -> OrderSnapshot:
    base = dict(
        order_id=1, version=1, template_id=1, status="pending", total=30_000, quantity=3,
        answers={"size": "Big box"}, pickup_point_id=None, assignee_id=None, customer_tags=(),
        moment=time(int(clock[:2]), int(clock[3:])),
    )  # fmt: skip
    return OrderSnapshot(**(base | changes))


def test_boundaries_hold_as_documented():
    assert matches([{"kind": "total_at_most", "value": 30_000}], at("12:00"))
    assert not matches([{"kind": "total_at_most", "value": 29_999}], at("12:00"))
    night = [{"kind": "time_between", "value": "22:00", "until": "02:00"}]
    assert matches(night, at("01:59")) and matches(night, at("22:00"))
    assert not matches(night, at("02:00")) and not matches(night, at("21:59"))
    assert matches([{"kind": "answer_equals", "field": "size", "value": " big BOX"}], at("09:00"))
    assert matches([], at("09:00"))  # no conditions: every order


# --- running rules ---------------------------------------------------------------------------


@pytest.fixture
def shop(app_context, make_shop):
    return make_shop(
        products={"apples": {"on_hand": 50, "price": 1000, "name": "Apples"}},
        points={"east": {"name": "East gate"}, "west": {"name": "West gate"}},
    )


def place(app, shop, quantity=1, point="east", **options) -> Order:
    with web_request(app):
        order = order_for(
            shop["version"], [(shop["apples"], quantity)], pickup_point=shop[point], **options
        )
    return Order.get_by_id(order.id)


def rule(name, actions, conditions=(), trigger="order_created", **fields) -> Rule:
    return save_rule(
        None, None, name=name, trigger=trigger, enabled=True,
        conditions=list(conditions), actions=actions, **fields,
    )  # fmt: skip


def by_rules(order: Order) -> list[tuple]:
    events = order.events.where(OrderEvent.actor_kind == "rule").order_by(OrderEvent.id)
    return [(e.actor_label, e.kind, e.to_status or e.note) for e in events]


def test_a_new_order_is_confirmed_and_assigned_by_its_pickup_point(app, shop, staff, admin):
    version = shop["version"]
    rule(
        "Small orders",
        [{"kind": "confirm"}],
        [
            {"kind": "template", "value": version.template_id},
            {"kind": "total_at_most", "value": 3000},
        ],
    )
    points = {str(shop["east"].id): staff.id, str(shop["west"].id): admin.id}
    rule("By gate", [{"kind": "assign_pickup_point", "points": points}])

    small, big = place(app, shop, 3), place(app, shop, 4, point="west")

    assert (small.status, small.assignee_id) == ("confirmed", staff.id)
    assert by_rules(small) == [
        ("Small orders", "status", "confirmed"),
        ("By gate", "assigned", "Staff"),
    ]
    assert (big.status, big.assignee_id) == ("pending", admin.id)  # ¥40 is over the limit
    assert by_rules(big) == [("By gate", "assigned", "Admin")]


def test_rules_run_in_their_defined_order(app, shop):
    first = rule("Process", [{"kind": "set_status", "status": "processing"}])
    rule("Confirm", [{"kind": "confirm"}])
    assert place(app, shop).status == "confirmed"  # "Process" came too early: skipped

    move_rule(first, +1)
    order = place(app, shop)

    assert order.status == "processing"
    assert by_rules(order) == [
        ("Confirm", "status", "confirmed"),
        ("Process", "status", "processing"),
    ]


def test_changes_made_by_a_rule_never_trigger_rules(app, shop, staff):
    rule("Confirm", [{"kind": "confirm"}])
    rule("Next", [{"kind": "set_status", "status": "processing"}], trigger="status_changed")

    order = place(app, shop)

    assert order.status == "confirmed"  # the rule's own change did not set off "Next"
    assert Outbox.select().where(Outbox.kind == "rules").count() == 1  # the placing only
    with web_request(app):
        transition_order(order, "cancelled", Actor.of_user(staff))
    assert Outbox.select().where(Outbox.kind == "rules").count() == 2  # a person's change does


def test_round_robin_and_least_loaded_share_the_orders(app, shop, staff, admin):
    third = make_user("staff")
    rule("Turns", [{"kind": "assign_round_robin", "users": [staff.id, third.id]}])
    assert [place(app, shop).assignee_id for _ in range(3)] == [staff.id, third.id, staff.id]

    Rule.update(enabled=False).execute()
    rule("Least busy", [{"kind": "assign_least_loaded", "users": []}])
    assert place(app, shop).assignee_id == admin.id  # nothing open yet; staff have 2 and 1
    assert place(app, shop).assignee_id == admin.id  # 1 each now: the lowest id
    assert place(app, shop).assignee_id == third.id


def test_a_tag_is_added_once_and_later_rules_see_it(app, shop):
    rule(
        "Big spender",
        [{"kind": "add_tag", "tag": "VIP"}],
        [{"kind": "quantity_at_least", "value": 5}],
    )
    rule(
        "Thank VIPs",
        [{"kind": "notify", "to": "customer", "message": "Thanks for being a regular!"}],
        [{"kind": "customer_tag", "value": "vip"}],
    )
    phone = "+8613900139000"

    order = place(app, shop, 5, phone=phone)
    place(app, shop, 6, phone=phone)

    assert order.customer.tags == ["VIP"]
    assert Order.get_by_id(order.id).customer.tags == ["VIP"]
    assert by_rules(order) == [
        ("Big spender", "tagged", "VIP"),
        ("Thank VIPs", "notified", "Thanks for being a regular!"),
    ]
    sweep_due()
    for_customer = InboxMessage.select().where(
        InboxMessage.order == order.id,
        InboxMessage.user.is_null(),  # the tracking page's
    )
    assert sum("Thanks for being a regular!" in m.body for m in for_customer) == 1


def test_the_customer_hears_of_a_status_change_before_the_rule_it_sets_off(app, shop, staff):
    rule(
        "Bag",
        [{"kind": "notify", "to": "customer", "message": "Bring a bag."}],
        [{"kind": "status", "value": "confirmed"}],
        trigger="status_changed",
    )
    order = place(app, shop)
    with web_request(app):
        transition_order(order, "confirmed", Actor.of_user(staff))

    messages = InboxMessage.select().where(
        InboxMessage.order == order.id, InboxMessage.user.is_null()
    )
    bodies = [m.body for m in messages.order_by(InboxMessage.id)]
    assert len(bodies) == 3 and "Bring a bag." in bodies[2]  # after "received", "confirmed"
    assert "Bring a bag." not in bodies[1]


def test_a_step_the_order_no_longer_allows_is_skipped_and_not_retried(app, shop, staff):
    rule("Confirm", [{"kind": "confirm"}, {"kind": "add_tag", "tag": "seen"}])
    order = order_for(shop["version"], [(shop["apples"], 1)])  # no request: the row waits
    transition_order(order, "cancelled", Actor.of_user(staff))

    sweep_due()

    [row] = Outbox.select().where(Outbox.kind == "rules")
    assert (row.status, row.attempts) == ("done", 1)
    assert Order.get_by_id(order.id).status == "cancelled"
    assert by_rules(Order.get_by_id(order.id)) == [("Confirm", "tagged", "seen")]


def test_a_schedule_rule_acts_once_on_each_open_order(app, shop):
    rule(
        "Nudge",
        [{"kind": "notify", "to": "staff", "message": "Still open"}],
        [{"kind": "status", "value": "pending"}],
        trigger="schedule",
    )
    orders = [place(app, shop) for _ in range(2)]

    assert plan_scheduled_rules() == 2
    assert plan_scheduled_rules() == 0
    sweep_due()
    assert plan_scheduled_rules() == 0

    for order in orders:
        assert by_rules(order) == [("Nudge", "notified", "Still open")]


# --- Try it ----------------------------------------------------------------------------------


def everything() -> list:
    return [list(model.select().order_by(model._meta.primary_key).tuples()) for model in ALL_MODELS]


def test_try_it_shows_what_a_rule_would_do_and_writes_nothing(app, shop, staff, admin):
    small = [order_for(shop["version"], [(shop["apples"], 1)]) for _ in range(3)]
    large = order_for(shop["version"], [(shop["apples"], 9)])
    turns = rule(
        "Small in turns",
        [{"kind": "confirm"}, {"kind": "assign_round_robin", "users": [staff.id, admin.id]}],
        [{"kind": "total_at_most", "value": 5000}],
    )
    before = everything()

    tried = try_rule(turns)

    assert everything() == before
    assert [t.order.id for t in tried] == [large.id, *[o.id for o in reversed(small)]]
    assert [t.matched for t in tried] == [False, True, True, True]
    with app.test_request_context(headers=EN):
        texts = [[str(step.text) for step in t.steps] for t in tried[:0:-1]]
    assert texts == [
        ["Status Pending → Confirmed", "Assign to Staff"],
        ["Status Pending → Confirmed", "Assign to Admin"],
        ["Status Pending → Confirmed", "Assign to Staff"],
    ]


def test_the_try_it_page_lists_the_matches_and_changes_nothing(client, shop, admin, login):
    order_for(shop["version"], [(shop["apples"], 2)])
    shown = rule("Confirm all", [{"kind": "confirm"}])
    client.set_cookie("locale", "en")
    login(admin)
    before = everything()

    page = client.get(f"/admin/rules/{shown.id}/try", headers=EN).get_data(as_text=True)

    assert everything() == before
    assert "Orders that match: 1" in page and "Status Pending → Confirmed" in page


# --- the admin pages -------------------------------------------------------------------------


def test_staff_may_not_open_or_change_rules(client, shop, staff, login):
    existing = rule("Confirm", [{"kind": "confirm"}])
    login(staff)
    for path in ("/admin/rules", "/admin/rules/new", f"/admin/rules/{existing.id}/try"):
        assert client.get(path).status_code == 403
    headers = {"X-CSRFToken": csrf_token_from(client, "/inbox")}
    assert client.post(f"/admin/rules/{existing.id}/delete", headers=headers).status_code == 403
    assert Rule.select().count() == 1


def editor_post(post_form, url, headers=EN, **data):
    base = {"name": "Weekend", "trigger": "order_created", "enabled": "y"}
    return post_form(url, base | data, page="/admin/rules/new", headers=headers)


def test_an_admin_builds_a_rule_with_plain_form_posts(client, shop, admin, staff, login, post_form):
    login(admin)
    added = editor_post(
        post_form,
        "/admin/rules/new",
        **{"conditions-0-kind": "total_at_least", "add_row": "action"},
    )
    assert added.status_code == 200 and 'name="actions-0-kind"' in added.get_data(as_text=True)
    assert Rule.select().count() == 0  # adding a row saves nothing
    redrawn = editor_post(
        post_form,
        "/admin/rules/new",
        **{"conditions-0-kind": "status", "conditions-1-kind": "time_between"},
        **{"actions-0-kind": "confirm", "drop_row": "conditions-0", "refresh": "1"},
    )
    html = redrawn.get_data(as_text=True)
    assert 'name="conditions-1-until"' in html and 'name="conditions-0-kind"' not in html
    assert Rule.select().count() == 0

    saved = editor_post(
        post_form,
        "/admin/rules/new",
        **{
            "conditions-0-kind": "total_at_least",
            "conditions-0-value": "88.50",
            "conditions-1-kind": "time_between",
            "conditions-1-value": "18:00",
            "conditions-1-until": "08:00",
            "actions-0-kind": "assign_pickup_point",
            f"actions-0-points-{shop['east'].id}": str(staff.id),
            "actions-1-kind": "add_tag",
            "actions-1-tag": "night owl",
            "actions-2-kind": "",
        },
    )

    assert saved.status_code == 303 and saved.headers["Location"] == "/admin/rules"
    made = Rule.get(Rule.name == "Weekend")
    assert made.conditions == [
        {"kind": "total_at_least", "value": 8850},
        {"kind": "time_between", "value": "18:00", "until": "08:00"},
    ]
    assert made.actions == [
        {"kind": "assign_pickup_point", "points": {str(shop["east"].id): staff.id}},
        {"kind": "add_tag", "tag": "night owl"},
    ]
    page = client.get(f"/admin/rules/{made.id}", headers=EN).get_data(as_text=True)
    assert 'value="88.50"' in page and 'value="night owl"' in page


def test_a_wrong_rule_comes_back_with_its_errors_and_the_typed_values(
    client, shop, admin, login, post_form
):
    login(admin)
    response = editor_post(
        post_form,
        "/admin/rules/new",
        headers=HTMX,
        **{
            "name": "Late",
            "conditions-0-kind": "total_at_most",
            "conditions-0-value": "lots",
            "actions-0-kind": "notify",
            "actions-0-to": "customer",
            "actions-0-message": "",
        },
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter an amount in yuan, like 12.50." in html and 'value="lots"' in html
    assert "Write the message (at most 1000 characters)." in html and 'value="Late"' in html
    assert "<html" not in html  # htmx gets the form alone
    assert Rule.select().count() == 0

    blank = editor_post(post_form, "/admin/rules/new", **{"actions-0-kind": ""})
    assert blank.status_code == 422 and "Add at least one action." in blank.get_data(as_text=True)
    assert Rule.select().count() == 0


def test_admins_switch_reorder_and_delete_rules(client, shop, admin, login, post_form):
    first, second = rule("One", [{"kind": "confirm"}]), rule("Two", [{"kind": "confirm"}])
    login(admin)

    post_form(f"/admin/rules/{first.id}/enabled", {"enabled": "0"}, page="/admin/rules")
    assert not Rule.get_by_id(first.id).enabled
    post_form(f"/admin/rules/{second.id}/move", {"direction": "up"}, page="/admin/rules")
    assert [r.name for r in Rule.in_order()] == ["Two", "One"]
    listed = post_form(f"/admin/rules/{first.id}/delete", {}, page="/admin/rules", headers=HTMX)

    assert [r.name for r in Rule.in_order()] == ["Two"]
    html = listed.get_data(as_text=True)
    assert listed.status_code == 200 and 'id="rules"' in html and "One" not in html


def test_switching_off_keeps_a_rule_from_running(app, shop, admin, login, post_form):
    off = rule("Confirm", [{"kind": "confirm"}])
    login(admin)
    post_form(f"/admin/rules/{off.id}/enabled", {"enabled": "0"}, page="/admin/rules")

    assert place(app, shop).status == "pending"
    assert stock_of(shop["apples"]).reserved == 1
