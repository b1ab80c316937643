"""Delivery zones (models/delivery/zones.py) and ordering with them: the zone's fee, worked out on
the server, its minimum, its windows' places, an address found in a zone (confirmed by the
customer) or in none (no order)."""

import re

import pytest

from models.customers.customer import Customer
from models.customers.tier import CustomerTier
from models.delivery.booking import OrderDelivery
from models.delivery.windows import DeliveryWindow
from models.delivery.zones import DeliveryZone, match_zone, names_list
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order
from models.tiers.prices import member_prices, save_member_prices, stamp
from tests.helpers import EN, hidden_inputs, selects, sql_statements, text_of


def test_an_address_is_in_the_first_zone_naming_its_district_compound_or_postcode(zoned):
    east, west = zoned["east"], zoned["west"]
    assert match_zone("北京市朝阳区某路1号") == east
    assert match_zone("望京花园 3号楼 501") == east
    assert match_zone("Some Road 5, 100012 Beijing") == east
    assert match_zone("海淀区中关村") == west
    assert match_zone("1000123") is None  # seven digits are no postcode
    assert match_zone("上海市浦东新区") is None
    DeliveryZone.update(active=False).where(DeliveryZone.id == east.id).execute()
    assert match_zone("朝阳区") is None


def test_a_zones_fee_is_free_from_its_amount(zoned):
    east = zoned["east"]
    assert (east.fee_for(3000), east.fee_for(8999), east.fee_for(9000)) == (600, 600, 0)
    assert zoned["west"].fee_for(10**7) == 1000  # never free


def test_names_are_typed_one_a_line_or_comma_separated():
    assert names_list("朝阳区，海淀区\n 东城区 ,朝阳区、") == ["朝阳区", "海淀区", "东城区"]


def _form(client, version):
    response = client.get(f"/f/{version.template.slug}", headers=EN)
    assert response.status_code == 200
    return response.get_data(as_text=True), hidden_inputs(response.get_data(as_text=True))


def _post(client, zoned, hidden, **changes):
    fruit = zoned["fruit"]
    data = {
        **hidden,
        "name": "Li",
        "phone": "13800138001",
        f"items-{fruit.id}": "1",
        "checkout-method": "delivery",
        "checkout-address": "朝阳区 望京花园 3-501",
        "delivery-zone": str(zoned["east"].id),
        "delivery-window": str(zoned["window"].id),
    }
    data.update(changes)
    return client.post(f"/f/{zoned['version'].template.slug}", data=data, headers=EN)


def test_the_page_offers_the_zones_with_their_fees_and_the_windows_with_places(client, zoned):
    html, _ = _form(client, zoned["version"])
    page = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Chaoyang · fee CN¥6.00 · free from CN¥90.00 · minimum CN¥30.00" in page
    assert "Haidian · fee CN¥10.00" in page
    assert "Find it from my address" in page
    assert "2 left" in page


def test_the_zones_fee_is_added_on_the_server_whatever_the_page_sent(client, zoned):
    _, hidden = _form(client, zoned["version"])
    response = _post(client, zoned, hidden, total="1", **{"delivery_fee": "0"})
    assert response.status_code == 303
    order = Order.get()
    assert (order.subtotal, order.delivery_fee, order.total) == (3000, 600, 3600)
    booking = OrderDelivery.get(OrderDelivery.order == order.id)
    assert (booking.zone_id, booking.window_id) == (zoned["east"].id, zoned["window"].id)
    assert DeliveryWindow.get_by_id(zoned["window"].id).taken == 1


def test_a_found_zone_is_shown_for_the_customer_to_confirm_then_ordered(client, zoned):
    _, hidden = _form(client, zoned["version"])
    first = _post(client, zoned, hidden, **{"delivery-zone": ""})
    assert first.status_code == 422
    assert "Your address is in Chaoyang. Check it, then place the order." in text_of(first)
    assert Order.select().count() == 0
    again = hidden_inputs(first.get_data(as_text=True))
    assert f'<option selected value="{zoned["east"].id}">' in first.get_data(as_text=True)
    second = _post(client, zoned, again)
    assert second.status_code == 303
    assert Order.get().delivery_fee == 600


def test_an_address_outside_every_zone_places_no_order(client, zoned):
    _, hidden = _form(client, zoned["version"])
    response = _post(
        client, zoned, hidden, **{"delivery-zone": "", "checkout-address": "上海市浦东新区 1号"}
    )
    assert response.status_code == 422
    assert "We do not deliver to this address. Check it, or choose pickup." in text_of(response)
    assert "上海市浦东新区 1号</textarea>" in response.get_data(as_text=True)  # kept as typed
    assert Order.select().count() == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"delivery-zone": "999"}, "Choose one of the listed delivery zones."),
        ({"delivery-window": ""}, "Choose one of the delivery windows of your zone."),
        ({"delivery-window": "999"}, "Choose one of the delivery windows of your zone."),
    ],
)
def test_a_zone_or_window_not_offered_is_refused(client, zoned, changes, message):
    _, hidden = _form(client, zoned["version"])
    response = _post(client, zoned, hidden, **changes)
    assert response.status_code == 422
    assert message in text_of(response)
    assert Order.select().count() == 0


def test_an_order_below_the_zones_minimum_is_refused(client, zoned):
    DeliveryZone.update(minimum_order=5000).where(DeliveryZone.id == zoned["east"].id).execute()
    _, hidden = _form(client, zoned["version"])
    response = _post(client, zoned, hidden)
    assert response.status_code == 422
    assert "The smallest order delivered in Chaoyang is CN¥50.00." in text_of(response)
    assert Order.select().count() == 0


def test_a_zone_without_windows_needs_none(client, zoned):
    _, hidden = _form(client, zoned["version"])
    response = _post(
        client,
        zoned,
        hidden,
        **{
            "delivery-zone": str(zoned["west"].id),
            "delivery-window": "",
            "checkout-address": "海淀区 1",
        },
    )
    assert response.status_code == 303
    assert Order.get().delivery_fee == 1000


def test_a_full_window_refuses_and_a_cancelled_order_gives_its_place_back(client, zoned):
    for _ in range(2):
        _, hidden = _form(client, zoned["version"])
        assert _post(client, zoned, hidden).status_code == 303
    html, hidden = _form(client, zoned["version"])
    assert 'name="delivery-window"' not in html  # full: not offered
    full = _post(client, zoned, hidden)  # as a page opened before it filled up would send
    assert full.status_code == 422
    assert "This delivery window has just been fully booked." in text_of(full)
    assert Order.select().count() == 2

    transition_order(Order.select().first(), "cancelled", Actor.system())
    assert DeliveryWindow.get_by_id(zoned["window"].id).taken == 1
    _, hidden = _form(client, zoned["version"])
    assert _post(client, zoned, hidden).status_code == 303


def test_a_members_zone_minimum_and_fee_count_the_member_price_as_the_page_showed(client, zoned):
    """Fruit box ¥30, ¥25 to gold members; Chaoyang: minimum ¥30, free delivery from ¥90."""
    gold = CustomerTier.create(name="Gold", rank=1)
    member = Customer.find_or_create("Li", "13800138001")
    Customer.update(tier=gold.id).where(Customer.id == member.id).execute()
    save_member_prices(zoned["fruit"], stamp(member_prices(zoned["fruit"].id)), {gold.id: 2500})
    _, hidden = _form(client, zoned["version"])

    below = _post(client, zoned, hidden)  # ¥25 for the member: under the zone's ¥30
    assert below.status_code == 422
    assert "The smallest order delivered in Chaoyang is CN¥30.00." in text_of(below)

    _, hidden = _form(client, zoned["version"])
    placed = _post(client, zoned, hidden, **{f"items-{zoned['fruit'].id}": "3"})
    assert placed.status_code == 303  # ¥90 at list price would be delivered free; ¥75 is not
    order = Order.get()
    assert (order.subtotal, order.delivery_fee, order.total) == (7500, 600, 8100)


def test_placing_reads_the_windows_once_and_a_refused_order_shows_them_again(client, zoned):
    """The page's window choices are read only when shown (forms/ordering/delivery.py): placing
    checks the chosen window against its zone's, one read; the 422 page lists them anew."""
    _, hidden = _form(client, zoned["version"])
    with sql_statements() as statements:
        assert _post(client, zoned, hidden).status_code == 303
    listing = [sql for sql in selects(statements) if 'FROM "delivery_window"' in sql]
    assert len(listing) == 1

    _, hidden = _form(client, zoned["version"])
    refused = _post(client, zoned, hidden, name="", phone="13800138002")
    assert refused.status_code == 422
    assert "1 left" in text_of(refused)  # the window, with the place the first order took
