"""An order's shipping label (A6) and packing slip (A4), and what staff's order page says of
its delivery: zone, window, courier and run."""

import pytest

from models.delivery.checkout import submit_delivered_order
from models.delivery.runs import assign_to_courier
from models.delivery.shipping import ship_order
from models.orders.lifecycle import Actor
from tests.helpers import EN, make_user, text_of

PHONE = "13900017143"


@pytest.fixture
def order(zoned):
    version = zoned["version"]
    placed, _ = submit_delivered_order(
        version.template,
        version,
        zone_id=zoned["east"].id,
        window_id=zoned["window"].id,
        address="朝阳区 望京花园 3-501",
        answers={"name": "Wang Fang", "phone": PHONE},
        quantities={zoned["fruit"].id: 2},
        submission_key="label-1",
        locale="en",
    )
    return placed


def test_the_label_has_the_qr_code_name_masked_phone_address_items_carrier_and_number(
    client, order, staff, login
):
    ship_order(order, "sf", "SF1234567890", Actor.of_user(staff))
    login(staff)

    a6 = client.get(f"/delivery/shipping/{order.number}/slip?size=a6", headers=EN)
    a4 = client.get(f"/delivery/shipping/{order.number}/slip", headers=EN)

    for response in (a6, a4):
        html, text = response.get_data(as_text=True), text_of(response)
        assert response.status_code == 200 and "<svg" in html  # the order's QR code
        assert "Wang Fang" in text and "朝阳区 望京花园 3-501" in text
        assert "Fruit box 2" in text and "SF Express (顺丰) · SF1234567890" in text
        assert PHONE not in html and "139****7143" in text
        assert f"Order #{order.number}" in text and "Delivery zone: Chaoyang" in text
    assert "Shipping label" in text_of(a6) and "css/label-a6.css" in a6.get_data(as_text=True)
    assert "Packing slip" in text_of(a4) and "css/label-a4.css" in a4.get_data(as_text=True)
    odd = client.get(f"/delivery/shipping/{order.number}/slip?size=a0", headers=EN)
    assert odd.status_code == 200 and "css/label-a4.css" in odd.get_data(as_text=True)


def test_a_label_before_shipping_says_there_is_no_number_yet(client, order, staff, login):
    login(staff)
    label = text_of(client.get(f"/delivery/shipping/{order.number}/slip?size=a6", headers=EN))
    assert "Not shipped yet: no carrier nor tracking number." in label


def test_the_order_page_shows_the_zone_the_window_and_the_courier_run(client, order, staff, login):
    login(staff)
    page = text_of(client.get(f"/board/orders/{order.number}", headers=EN))
    assert "Delivery zone Chaoyang" in page
    assert "Delivery window" in page and "None: any time that day" not in page
    assert "Courier Not on a run yet" in page
    assert "Print label (A6)" in page and "Print packing slip (A4)" in page

    rider = make_user("courier", "rider@example.com")
    assign_to_courier(order, rider, Actor.of_user(staff))
    response = client.get(f"/board/orders/{order.number}", headers=EN)
    html, page = response.get_data(as_text=True), text_of(response)
    assert "Courier Courier · " in page and "stop 1 of 1 · Planned" in page
    assert "/delivery/runs?day=" in html and "#run-" in html
