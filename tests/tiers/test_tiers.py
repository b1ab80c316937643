"""Customer tiers: the admin page (422 with inline errors, audited), a customer's tier moving
with completed orders, where staff see it (board row, order page, customer card and list, the
list's filter) and the rule conditions on it."""

from datetime import date, datetime, timedelta

import pytest
import time_machine

from models.audit.log import AuditEntry
from models.automation.conditions import holds, snapshot_of
from models.base import utcnow
from models.customers.customer import Customer
from models.customers.tier import CustomerTier
from models.customers.tier_filter import tier_members
from models.orders.lifecycle import Actor, walk_order
from models.reports.recount import rebuild
from models.reports.rollups import CustomerDay
from models.tiers.admin import TierDetails, delete_tier, save_tier
from models.tiers.assign import reassign_all
from tests.factories import order_for
from tests.helpers import HTMX
from tests.tiers.test_tier_recount import PATH, run_outbox

GOOD = {"name": "金卡", "rank": "2", "min_spend": "100", "min_orders": "", "need": "all"}


@pytest.fixture
def shop(app_context, make_shop):
    return make_shop(products={"apples": {"on_hand": 500, "price": 5000, "name": "Apples"}})


def completed(shop, phone: str, apples: int = 1):
    order = order_for(shop["version"], [(shop["apples"], apples)], phone=phone)
    return walk_order(order, PATH, Actor.system())


def test_a_rule_admits_on_both_either_or_nothing():
    both = CustomerTier(min_spend=1000, min_orders=2, need="all")
    either = CustomerTier(min_spend=1000, min_orders=2, need="any")
    assert both.admits(2, 1000) and not both.admits(1, 5000) and not both.admits(5, 999)
    assert either.admits(1, 1000) and either.admits(2, 0) and not either.admits(1, 999)
    assert CustomerTier(need="any").admits(0, 0)  # asks nothing: everyone
    assert CustomerTier(min_spend=1, need="any").admits(0, 0) is False


def test_the_admin_adds_a_tier_and_bad_input_comes_back_422_with_what_was_typed(
    admin_post, as_admin, app
):
    bad = admin_post(
        "/admin/tiers",
        {"name": "", "rank": "x", "min_spend": "lots", "min_orders": "-3", "days": "0"},
        htmx=True,
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert html.lstrip().startswith('<div id="tiers">')
    for message in (
        "Enter a name.",
        "Enter an amount in yuan, like 12.50.",
        "Enter a whole number from 0 to 100000.",
        "Enter a whole number from 1 to 3650.",
    ):
        assert message in html, message
    assert 'value="lots"' in html

    added = admin_post("/admin/tiers", GOOD | {"days": "90"})
    assert added.status_code == 303
    taken = admin_post("/admin/tiers", GOOD | {"name": "银卡", "days": "90"})
    assert taken.status_code == 422
    assert "Another tier already has this rank." in taken.get_data(as_text=True)
    with app.app_context():
        tier = CustomerTier.get(CustomerTier.name == "金卡")
        assert (tier.rank, tier.min_spend, tier.min_orders, tier.days) == (2, 10000, 0, 90)
        (entry,) = AuditEntry.select().where(AuditEntry.kind == "tier.created")
        assert entry.after["min_spend"] == 10000
    page = as_admin.get("/admin/tiers").get_data(as_text=True)
    assert "金卡" in page and "spend ≥ CN¥100.00 · last 90 days" in page


def test_the_admin_changes_and_removes_a_tier_and_each_is_audited(admin_post, as_admin, app):
    with app.app_context():
        tier = save_tier(None, TierDetails("银卡", rank=1, min_orders=2))
        Customer.create(name="A", phone="+8613900000001", phone_last4="0001", tier=tier)
    form = as_admin.get(f"/admin/tiers/{tier.id}").get_data(as_text=True)
    assert 'value="银卡"' in form
    bad = admin_post(f"/admin/tiers/{tier.id}", GOOD | {"rank": "1000", "days": "30"}, htmx=True)
    assert bad.status_code == 422
    assert "Enter a whole number from 0 to 999." in bad.get_data(as_text=True)
    saved = admin_post(f"/admin/tiers/{tier.id}", GOOD | {"name": "银卡+", "days": "30"})
    assert saved.status_code == 303
    removed = admin_post(f"/admin/tiers/{tier.id}/delete")
    assert removed.status_code == 303
    with app.app_context():
        kinds = [e.kind for e in AuditEntry.select().order_by(AuditEntry.id)]
        assert kinds[-2:] == ["tier.updated", "tier.deleted"]
        assert not CustomerTier.select().exists()
        assert Customer.get(Customer.phone == "+8613900000001").tier_id is None


def test_staff_cannot_open_the_tiers(client, staff, login):
    login(staff)
    assert client.get("/admin/tiers").status_code in (302, 403)


def test_a_completed_order_moves_its_customer_up_once_its_bucket_is_recounted(shop):
    clock = datetime(2026, 3, 7, 2, 0)
    with time_machine.travel(clock, tick=False) as traveller:
        save_tier(None, TierDetails("银卡", rank=1, min_orders=2))
        save_tier(None, TierDetails("金卡", rank=2, min_spend=20000, min_orders=3))
        phone = "+8613900139001"
        customer = Customer.get_by_id(completed(shop, phone).customer_id)
        run_outbox()  # not due yet: the recount waits for its minute to settle
        assert Customer.get_by_id(customer.id).tier_id is None

        completed(shop, phone, apples=2)
        order_for(shop["version"], [(shop["apples"], 9)], phone=phone)  # not completed
        traveller.move_to(clock + timedelta(minutes=3))  # what the sweeper does then
        run_outbox()
        assert Customer.get_by_id(customer.id).tier.name == "银卡"

        completed(shop, phone, apples=2)
        traveller.move_to(clock + timedelta(minutes=6))
        run_outbox()
        assert Customer.get_by_id(customer.id).tier.name == "金卡"
    day = CustomerDay.get(CustomerDay.customer == customer.id)
    assert (day.completed, day.spent, day.orders) == (3, 25000, 4)


def test_the_nightly_run_lets_a_tier_lapse_when_the_window_moves_on(shop):
    tier = save_tier(None, TierDetails("银卡", rank=1, min_orders=1, days=30))
    order = completed(shop, "+8613900139002")
    rebuild()
    assert Customer.get_by_id(order.customer_id).tier_id == tier.id
    placed = order.created_at.date()
    assert reassign_all(today=date.fromordinal(placed.toordinal() + 29)) == 0
    assert reassign_all(today=date.fromordinal(placed.toordinal() + 31)) == 1
    assert Customer.get_by_id(order.customer_id).tier_id is None


def test_tier_members_and_at_least(shop):
    low = save_tier(None, TierDetails("普通", rank=0))
    mid = save_tier(None, TierDetails("银卡", rank=1, min_orders=5))
    top = save_tier(None, TierDetails("金卡", rank=2, min_orders=9))
    ids = {}
    for tier in (low, mid, top):
        customer = Customer.create(
            name=tier.name, phone=f"+86139000002{tier.rank}", phone_last4="x"
        )
        Customer.update(tier=tier).where(Customer.id == customer.id).execute()
        ids[tier.name] = customer.id
    members = lambda tier, up=False: {c for (c,) in tier_members(tier.id, up).tuples()}  # noqa: E731
    assert members(mid) == {ids["银卡"]}
    assert members(mid, True) == {ids["银卡"], ids["金卡"]}
    assert members(low, True) == set(ids.values())
    delete_tier(mid)
    assert members(top, True) == {ids["金卡"]}


def test_the_rule_conditions_on_a_customers_tier(shop):
    low = save_tier(None, TierDetails("普通", rank=0))
    top = save_tier(None, TierDetails("金卡", rank=5, min_orders=1))
    order = completed(shop, "+8613900139003")
    rebuild()
    snapshot = snapshot_of(order, utcnow())
    assert snapshot.tier_id == top.id
    assert holds({"kind": "customer_tier", "value": top.id}, snapshot)
    assert not holds({"kind": "customer_tier", "value": low.id}, snapshot)
    assert holds({"kind": "customer_tier_at_least", "value": low.id}, snapshot)
    assert holds({"kind": "customer_tier_at_least", "value": top.id}, snapshot)
    assert not holds({"kind": "customer_tier_at_least", "value": 999}, snapshot)  # removed
    newcomer = snapshot_of(order_for(shop["version"], [(shop["apples"], 1)]), utcnow())
    assert newcomer.tier_id is None
    assert not holds({"kind": "customer_tier_at_least", "value": low.id}, newcomer)


def test_staff_see_the_tier_on_the_board_order_page_card_and_list(shop, client, staff, login, app):
    gold = save_tier(None, TierDetails("金卡", rank=2, min_orders=1))
    save_tier(None, TierDetails("银卡", rank=1, min_orders=99))
    order = completed(shop, "+8613900139004")
    other = order_for(shop["version"], [(shop["apples"], 1)], phone="+8613900139005")
    rebuild()  # the rollup, then the tiers
    login(staff)

    board = client.get("/board/?created=all&status=completed").get_data(as_text=True)
    assert '<span class="tier-pill">金卡</span>' in board
    cards = client.get("/board/?created=all&view=columns").get_data(as_text=True)
    assert '<span class="tier-pill">金卡</span>' in cards
    page = client.get(f"/board/orders/{order.number}").get_data(as_text=True)
    assert '<span class="tier-pill">金卡</span>' in page
    card = client.get(f"/customers/{order.customer_id}").get_data(as_text=True)
    assert '<span class="tier-pill">金卡</span>' in card
    listed = client.get(f"/customers/?tier={gold.id}", headers=HTMX).get_data(as_text=True)
    assert f'id="customer-{order.customer_id}"' in listed
    assert f'id="customer-{other.customer_id}"' not in listed
    full = client.get("/customers/").get_data(as_text=True)
    assert 'name="tier"' in full and f'id="customer-{other.customer_id}"' in full
    assert client.get("/customers/?tier=abc").status_code == 200


def test_a_tier_an_admin_adds_reaches_the_customers_through_the_outbox(shop):
    order = completed(shop, "+8613900139006")
    rebuild()
    assert Customer.get_by_id(order.customer_id).tier_id is None
    tier = save_tier(None, TierDetails("银卡", rank=1, min_orders=1))
    run_outbox()  # the "tiers" row the change wrote
    assert Customer.get_by_id(order.customer_id).tier_id == tier.id
