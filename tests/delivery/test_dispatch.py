"""Couriers assigned by rule (models/automation/actions/courier.py, models/delivery/dispatch.py):
conditions on the delivery zone and method, the four strategies, orders assigned at once by
least load and in turn (threads against the real database), and the rule editor."""

from collections import Counter as Tally

import pytest

from models.accounts.user import User
from models.automation.conditions import matches, snapshot_of
from models.automation.preview import try_rule
from models.automation.rules import Rule, save_rule
from models.base import utcnow
from models.delivery.checkout import submit_delivered_order
from models.delivery.dispatch import EXPRESS, OWN, PICKUP
from models.delivery.runs import CourierRun, RunStop, assign_to_courier, stops_of
from models.delivery.shipping import ship_order
from models.delivery.zones import save_zone
from models.messaging import outbox
from models.messaging.outbox import Outbox
from models.orders.lifecycle import Actor
from models.orders.order import Order, OrderEvent
from tasks.notifications import WORK
from tests.factories import cn_mobile, make_shop, order_for
from tests.helpers import EN, make_user, race, web_request


def deliver(app, zoned, i, zone="west", kick=True) -> Order:
    """An order delivered in `zone` (Haidian has no windows, Chaoyang one), rules run (`kick`)."""
    east = zone == "east"

    def place():
        order, _ = submit_delivered_order(
            zoned["version"].template,
            zoned["version"],
            zone_id=zoned[zone].id,
            window_id=zoned["window"].id if east else None,
            address=f"朝阳区 望京花园 {i}号楼" if east else f"海淀区 {i}号楼",
            answers={"name": f"Customer {i}", "phone": cn_mobile()},
            quantities={zoned["fruit"].id: 1},
            submission_key=f"d-{i}",
            locale="en",
        )
        return order

    if not kick:
        return place()
    with web_request(app):
        order = place()
    return Order.get_by_id(order.id)


def rule(name, actions, conditions=()) -> Rule:
    return save_rule(
        None, None, name=name, trigger="order_created", enabled=True,
        conditions=list(conditions), actions=actions,
    )  # fmt: skip


def courier_of(order: Order) -> int | None:
    stop = RunStop.get_or_none(RunStop.open_order == order.id)
    return stop.run.courier_id if stop else None


def pickup_order() -> Order:
    shop = make_shop(points={"gate": {"name": "Gate"}})
    return order_for(shop["version"], [(shop["apples"], 1)], pickup_point=shop["gate"])


@pytest.fixture
def riders(app_context):
    made = [make_user("courier", f"rider{i}@example.com") for i in range(3)]
    for i, user in enumerate(made):
        User.update(name=f"Rider {i}").where(User.id == user.id).execute()
    return [User.get_by_id(user.id) for user in made]


def test_conditions_on_zone_and_method_read_the_orders_delivery(app, zoned, staff):
    own = deliver(app, zoned, 1, zone="east")
    flat = order_for(zoned["version"], [(zoned["fruit"], 1)], address="上海 某路 1号")
    shipped = deliver(app, zoned, 2)
    ship_order(shipped, "sf", "SF123", Actor.of_user(staff))
    collected = pickup_order()

    def facts(order):
        s = snapshot_of(Order.get_by_id(order.id), utcnow())
        return s.zone_id, s.method

    assert facts(own) == (zoned["east"].id, OWN)
    assert facts(shipped) == (zoned["west"].id, EXPRESS)  # handed to a carrier after all
    assert facts(flat) == (None, EXPRESS)  # an address in no zone: only a carrier takes it
    assert facts(collected) == (None, PICKUP)
    east = [{"kind": "delivery_zone", "value": zoned["east"].id}]
    by_couriers = [{"kind": "delivery_method", "value": "own"}]
    s = snapshot_of(own, utcnow())
    assert matches(east, s) and matches(by_couriers, s)
    s = snapshot_of(Order.get_by_id(shipped.id), utcnow())
    assert not matches(east, s) and not matches(by_couriers, s)


def test_a_named_courier_and_the_zones_courier(app, zoned, riders, staff):
    first, second, _ = riders
    save_zone(zoned["east"], courier=second.id)
    rule(
        "East by zone",
        [{"kind": "assign_courier", "strategy": "zone"}],
        [{"kind": "delivery_zone", "value": zoned["east"].id}],
    )
    rule(
        "West to the first",
        [{"kind": "assign_courier", "strategy": "named", "courier": first.id}],
        [{"kind": "delivery_zone", "value": zoned["west"].id}],
    )

    east, west = deliver(app, zoned, 1, zone="east"), deliver(app, zoned, 2)

    assert courier_of(east) == second.id and courier_of(west) == first.id
    [tried] = [t for t in try_rule(Rule.get(Rule.name == "East by zone")) if t.order.id == east.id]
    assert [str(step.text) for step in tried.steps] == [
        "Skipped: the order is on a courier's run already."
    ]
    run = RunStop.get(RunStop.order == east.id).run
    assert run.window_id == zoned["window"].id  # the run of the order's window
    event = east.events.where(OrderEvent.kind == "delivery_assigned").get()
    assert (event.actor_kind, event.actor_label, event.note) == ("rule", "East by zone", "Rider 1")

    save_zone(zoned["east"], courier=None)
    nobody = deliver(app, zoned, 3, zone="east")
    assert courier_of(nobody) is None  # the zone has no courier: skipped, waits for staff


def test_least_load_counts_open_stops_of_the_day_and_round_robin_takes_turns(
    app, zoned, riders, staff
):
    first, second, third = riders
    for i in range(2):  # the first already has two stops today
        assign_to_courier(deliver(app, zoned, 10 + i), first, Actor.of_user(staff))
    among = [first.id, second.id]
    least = rule("Least", [{"kind": "assign_courier", "strategy": "least_load", "users": among}])

    placed = [deliver(app, zoned, i) for i in range(3)]

    assert [courier_of(o) for o in placed] == [second.id, second.id, first.id]  # 2:0, 2:1, 2:2
    Rule.update(enabled=False).where(Rule.id == least.id).execute()
    rule("Turns", [{"kind": "assign_courier", "strategy": "round_robin", "users": []}])
    turns = [courier_of(deliver(app, zoned, 20 + i)) for i in range(4)]
    assert turns == [first.id, second.id, third.id, first.id]  # none ticked: all couriers


def test_an_order_not_delivered_in_a_zone_or_on_a_run_already_is_skipped(app, zoned, riders):
    rule("Any", [{"kind": "assign_courier", "strategy": "named", "courier": riders[0].id}])
    with web_request(app):
        collected = pickup_order()
    assert RunStop.select().count() == 0 and courier_of(collected) is None
    [tried] = [t for t in try_rule(Rule.get()) if t.order.id == collected.id]
    assert [str(step.text) for step in tried.steps] == [
        "Skipped: only open orders delivered in a zone go on a run."
    ]


def test_try_it_spreads_by_least_load_without_writing(app, zoned, riders):
    for i in range(4):
        deliver(app, zoned, i)
    least = rule("Least", [{"kind": "assign_courier", "strategy": "least_load", "users": []}])

    tried = try_rule(least)

    names = [str(t.steps[0].text) for t in reversed(tried)]
    assert len(set(names)) == 3  # one each, then the first again
    assert RunStop.select().count() == 0 and CourierRun.select().count() == 0


@pytest.mark.parametrize("strategy", ["least_load", "round_robin"])
def test_orders_assigned_at_once_spread_over_the_couriers_and_one_run_each(
    app, zoned, riders, strategy
):
    """Eight orders' rules run in eight threads at once: each courier gets its share, every
    courier has one run for the day and its stops are numbered 1, 2, 3 … without a repeat."""
    two = riders[:2]
    rule("Spread", [{"kind": "assign_courier", "strategy": strategy, "users": [r.id for r in two]}])
    orders = [deliver(app, zoned, i, kick=False) for i in range(8)]
    rows = [row.id for row in Outbox.select().where(Outbox.kind == "rules").order_by(Outbox.id)]
    assert len(rows) == 8

    results = race(app, 8, lambda i: outbox.run(rows[i], f"worker-{i}", WORK))

    assert [outcome for outcome, _ in results] == ["ok"] * 8
    assert Tally(courier_of(order) for order in orders) == {two[0].id: 4, two[1].id: 4}
    runs = list(CourierRun.select())
    assert sorted(run.courier_id for run in runs) == sorted(r.id for r in two)
    for run in runs:
        assert [stop.position for stop in stops_of(run)] == [1, 2, 3, 4]


def test_an_admin_sets_up_the_courier_rule_and_a_zones_courier(
    client, zoned, riders, admin, login, post_form
):
    login(admin)
    zone_page = client.get(f"/admin/delivery-zones/{zoned['east'].id}", headers=EN)
    assert "Courier of the zone" in zone_page.get_data(as_text=True)
    base = {"name": "Rule", "trigger": "order_created", "enabled": "y"}
    wrong = post_form(
        "/admin/rules/new",
        base | {"actions-0-kind": "assign_courier", "actions-0-strategy": "named"},
        headers=EN,
    )
    assert wrong.status_code == 422 and "Choose one of the couriers." in wrong.get_data(True)
    saved = post_form(
        "/admin/rules/new",
        base
        | {
            "conditions-0-kind": "delivery_method",
            "conditions-0-value": "own",
            "conditions-1-kind": "delivery_zone",
            "conditions-1-value": str(zoned["east"].id),
            "actions-0-kind": "assign_courier",
            "actions-0-strategy": "round_robin",
            "actions-0-users": [str(riders[0].id), str(riders[2].id)],
        },
        headers=EN,
    )
    assert saved.status_code == 303
    made = Rule.get(Rule.name == "Rule")
    assert made.conditions == [
        {"kind": "delivery_method", "value": "own"},
        {"kind": "delivery_zone", "value": zoned["east"].id},
    ]
    assert made.actions == [
        {"kind": "assign_courier", "strategy": "round_robin", "users": [riders[0].id, riders[2].id]}
    ]
    listed = client.get("/admin/rules", headers=EN).get_data(as_text=True)
    assert "Own delivery (couriers)" in listed and "Chaoyang" in listed
    assert "couriers in turn" in listed
