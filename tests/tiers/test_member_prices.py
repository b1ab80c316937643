"""Member prices (会员价, models/tiers/prices.py): an order line costs the lowest of the list
price, the group price in force and the member price of the customer's tier; placing, the
form's live total, staff order entry and changed quantities price alike; an order without
member prices in play runs no more statements than before."""

import pytest

from models.activities.activity import unit_prices
from models.activities.published import published_by_slug
from models.aftersales.lifecycle import transition_case
from models.aftersales.requests import open_case
from models.catalog.products import Product
from models.customers.customer import Customer
from models.customers.tier import CustomerTier
from models.orders.editing import edit_order
from models.orders.lifecycle import Actor, walk_order
from models.orders.order import Order, OrderLine
from models.promotions.offer import Offer
from models.staff_entry.entry import Contact, enter_order
from models.tiers.admin import delete_tier
from models.tiers.prices import TierPrice, member_prices, save_member_prices, stamp
from tests.factories import make_product, make_template, order_for
from tests.helpers import EN, HTMX, hidden_inputs, make_user, sql_statements

GOLD_PHONE, PLAIN_PHONE = "138 0013 8111", "138 0013 8222"


def activity_of(products, tiers=None):
    entries = [
        {"product_id": p.id, "limit": 10, **({"tiers": tiers} if tiers and i == 0 else {})}
        for i, p in enumerate(products)
    ]
    fields = [
        {"name": "name", "type": "short_text", "label": "Name", "required": True},
        {"name": "phone", "type": "phone", "label": "Phone", "required": True},
        {"name": "items", "type": "products", "label": "Items", "products": entries},
    ]
    return make_template(fields=fields, status="draft").publish()


@pytest.fixture
def shop(app_context):
    apples = make_product(500, price=1000, name="Apples")
    pears = make_product(500, price=800, name="Pears")
    gold = CustomerTier.create(name="金卡", rank=2)
    silver = CustomerTier.create(name="银卡", rank=1)
    member = Customer.find_or_create("Gold", GOLD_PHONE)
    Customer.update(tier=gold.id).where(Customer.id == member.id).execute()
    Customer.find_or_create("Plain", PLAIN_PHONE)
    return {
        "apples": apples,
        "pears": pears,
        "gold": gold,
        "silver": silver,
        "member": member,
        "version": activity_of([apples, pears]),
    }


def set_prices(product, prices):
    assert save_member_prices(product, stamp(member_prices(product.id)), prices)


def kept(shop):
    return published_by_slug(shop["version"].template.slug)


def test_the_lowest_of_list_group_and_member_price_applies(shop):
    apples, gold = shop["apples"], shop["gold"]
    version = activity_of([apples], tiers=[[0, 900]])  # a group price of ¥9 in force
    products = {apples.id: apples}
    assert unit_prices(version, products) == {apples.id: 900}
    assert unit_prices(version, products, {apples.id: 850}) == {apples.id: 850}  # member lower
    assert unit_prices(version, products, {apples.id: 950}) == {apples.id: 900}  # group lower
    assert unit_prices(shop["version"], products, {apples.id: 1200}) == {apples.id: 1000}
    set_prices(apples, {gold.id: 850})
    parts = published_by_slug(version.template.slug)
    assert parts.prices_of_tier(gold.id) == {apples.id: 850}
    assert parts.prices_of_tier(shop["silver"].id) == {} and parts.prices_of_tier(None) == {}


def test_a_member_order_costs_the_member_price_others_the_list_price(shop):
    apples, pears, gold = shop["apples"], shop["pears"], shop["gold"]
    set_prices(apples, {gold.id: 850, shop["silver"].id: 950})
    parts = kept(shop)
    member = order_for(
        shop["version"],
        [(apples, 2), (pears, 1)],
        phone=GOLD_PHONE,
        member_prices=parts.member_prices,
    )
    lines = {line.product_id: line.unit_price for line in member.lines}
    assert lines == {apples.id: 850, pears.id: 800}
    assert member.subtotal == member.total == 2 * 850 + 800
    plain = order_for(
        shop["version"], [(apples, 2)], phone=PLAIN_PHONE, member_prices=parts.member_prices
    )
    assert plain.lines[0].unit_price == 1000 and plain.total == 2000


def test_a_removed_tier_takes_its_member_prices_with_it(shop):
    apples, gold = shop["apples"], shop["gold"]
    set_prices(apples, {gold.id: 850})
    delete_tier(gold)
    assert not TierPrice.select().exists()
    assert Customer.get_by_id(shop["member"].id).tier_id is None
    order = order_for(shop["version"], [(apples, 1)], phone=GOLD_PHONE, member_prices={})
    assert order.total == 1000
    assert kept(shop).member_prices == {}  # the worker's copy moved with the tier table


def test_a_new_line_on_a_members_order_takes_the_member_price(shop):
    apples, pears, gold = shop["apples"], shop["pears"], shop["gold"]
    set_prices(pears, {gold.id: 600})
    order = order_for(shop["version"], [(apples, 1)], phone=GOLD_PHONE)
    changed = edit_order(
        order,
        actor=Actor.system(),
        expected_version=order.version,
        quantities={pears.id: 2},
    )
    line = OrderLine.get(OrderLine.order == order.id, OrderLine.product == pears.id)
    assert line.unit_price == 600 and changed.total == 1000 + 1200


def place(client, shop, phone, **extra):
    slug = shop["version"].template.slug
    hidden = hidden_inputs(client.get(f"/f/{slug}", headers=EN).get_data(as_text=True))
    data = {**hidden, "name": "Li", "phone": phone, f"items-{shop['apples'].id}": "2", **extra}
    return client.post(f"/f/{slug}", data=data, headers=EN)


def test_over_http_a_member_is_charged_the_member_price_and_sees_it(app, client, shop):
    set_prices(shop["apples"], {shop["gold"].id: 850})
    html = client.get(f"/f/{shop['version'].template.slug}", headers=EN).get_data(as_text=True)
    assert "金卡 members: CN¥8.50" in html  # two tiers: the tier is named

    response = place(client, shop, GOLD_PHONE)
    assert response.status_code == 303
    order = Order.select().order_by(Order.id.desc()).get()
    assert [line.unit_price for line in order.lines] == [850] and order.total == 1700
    tracking = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "CN¥17.00" in tracking

    assert place(client, shop, PLAIN_PHONE).status_code == 303
    assert Order.select().order_by(Order.id.desc()).get().total == 2000


def test_one_tier_says_members_and_the_live_total_follows_the_typed_phone(app, client, shop):
    CustomerTier.delete().where(CustomerTier.id == shop["silver"].id).execute()
    set_prices(shop["apples"], {shop["gold"].id: 850})
    slug = shop["version"].template.slug
    assert "Members: CN¥8.50" in client.get(f"/f/{slug}", headers=EN).get_data(as_text=True)
    query = {f"items-{shop['apples'].id}": "2"}
    live = client.get(f"/f/{slug}/live", query_string=query | {"phone": GOLD_PHONE}, headers=HTMX)
    assert 'data-total="1700"' in live.get_data(as_text=True)
    live = client.get(f"/f/{slug}/live", query_string=query | {"phone": PLAIN_PHONE}, headers=HTMX)
    assert 'data-total="2000"' in live.get_data(as_text=True)


def test_a_coupon_counts_the_member_prices(app, client, shop):
    set_prices(shop["apples"], {shop["gold"].id: 850})
    Offer.create(name="10% off", code="TEN", kind="percent", value=10)
    assert place(client, shop, GOLD_PHONE, **{"checkout-coupon": "TEN"}).status_code == 303
    order = Order.select().order_by(Order.id.desc()).get()
    assert (order.subtotal, order.discount, order.total) == (1700, 170, 1530)


def submit_statements(client, shop, phones):
    """The statements of each submit; a new name each time, so the customer's row is written
    (one statement) every time."""
    counts = []
    for phone in phones:
        slug = shop["version"].template.slug
        hidden = hidden_inputs(client.get(f"/f/{slug}", headers=EN).get_data(as_text=True))
        name = f"Li {len(Order.select())}"
        data = {**hidden, "name": name, "phone": phone, f"items-{shop['apples'].id}": "1"}
        with sql_statements() as statements:
            assert client.post(f"/f/{slug}", data=data, headers=EN).status_code == 303
        counts.append(len(statements))
    return counts


def test_no_member_price_in_play_costs_no_statement(app, client, shop):
    """A form submit over HTTP ran 44 statements before member prices (with the notices huey
    runs at once in tests); still 44 unless a product ordered has a member price, then one
    more: the customer's tier, read by phone before the total is worked out."""
    place(client, shop, "138 0013 8009")  # what the worker keeps is loaded
    without = submit_statements(client, shop, [PLAIN_PHONE, GOLD_PHONE])
    set_prices(shop["pears"], {shop["gold"].id: 600})  # not ordered: still nothing to read
    place(client, shop, "138 0013 8009")
    other = submit_statements(client, shop, [PLAIN_PHONE, GOLD_PHONE])
    assert without == other == [without[0]] * 2
    set_prices(shop["apples"], {shop["gold"].id: 850})  # ordered: the tier is read, once
    place(client, shop, "138 0013 8009")
    assert submit_statements(client, shop, [PLAIN_PHONE, GOLD_PHONE]) == [without[0] + 1] * 2


def test_an_order_staff_enter_for_a_member_costs_the_member_price(shop):
    set_prices(shop["apples"], {shop["gold"].id: 850})
    version = shop["version"]
    clerk = make_user("staff", "clerk@example.com")
    order, created = enter_order(
        version.template,
        version,
        by=clerk,
        channel="phone",
        contact=Contact("Gold", GOLD_PHONE),
        quantities={shop["apples"].id: 3},
        fulfilment=None,
        submission_key="phoned-1",
    )
    assert created and order.total == 3 * 850


def test_a_members_exchange_for_a_dearer_product_costs_the_member_price_difference(shop, staff):
    """Apples (¥10) exchanged for pears: ¥12 to others, ¥10.50 to the gold member, who pays
    the ¥0.50 difference, not ¥2."""
    apples, pears = shop["apples"], shop["pears"]
    Product.update(price=1200).where(Product.id == pears.id).execute()
    set_prices(pears, {shop["gold"].id: 1050})
    order = order_for(shop["version"], [(apples, 1)], name="Gold", phone=GOLD_PHONE)
    order = walk_order(order, ("confirmed", "processing", "ready", "completed"), Actor.system())
    line = order.lines[0]
    case = open_case(
        order,
        Actor.of_customer(order.customer),
        kind="exchange",
        quantities={line.id: 1},
        reason="Bruised",
        replacements={line.id: pears.id},
    )

    replacement = transition_case(case, "approved", Actor.of_user(staff)).replacement_order

    assert replacement.total == 1050 - 1000
