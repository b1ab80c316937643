"""Express shipping (models/delivery/shipping.py, waybills.py) and its staff page: one order with
its tracking number, a carrier's CSV or XLSX export previewed then applied, the customer's link,
the packing slip."""

import io

import pytest
from openpyxl import Workbook

from models.delivery.shipping import BadTrackingNumber, Shipment, ship_order
from models.messaging.outbox import Outbox
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order, OrderEvent
from tests.factories import make_activity, make_product, order_for, stock_of
from tests.helpers import EN, csrf_token_from, text_of


@pytest.fixture
def shop(app_context):
    fruit = make_product(50, price=2000, name="Fruit box")
    version = make_activity([fruit])
    orders = [order_for(version, [(fruit, 2)], address="Room 1") for _ in range(3)]
    return {"fruit": fruit, "orders": orders}


def test_shipping_walks_the_order_to_shipped_and_keeps_the_number(shop, staff):
    order = shop["orders"][0]
    shipped = ship_order(order, "sf", " SF 1234 5678 ", Actor.of_user(staff))
    assert shipped.status == "shipped"
    shipment = Shipment.get()
    assert (shipment.carrier, shipment.tracking_number) == ("sf", "SF12345678")
    assert shipment.tracking_url.endswith("/SF12345678")
    assert stock_of(shop["fruit"]).on_hand == 48  # consumed when shipped
    planned = [item.payload.get("notice") for item in Outbox.select()]
    assert planned.count("shipped") == 1  # the customer's notice, with the number as {{ note }}
    transition_order(shipped, "completed", Actor.of_user(staff))
    assert stock_of(shop["fruit"]).on_hand == 48  # not twice
    with pytest.raises(BadTrackingNumber):
        ship_order(shop["orders"][1], "ems", "顺丰!", Actor.of_user(staff))
    assert Order.get_by_id(shop["orders"][1].id).status == "pending"


def test_the_customer_sees_the_carrier_and_a_link(client, shop, staff):
    order = ship_order(shop["orders"][0], "jd", "JD0001", Actor.of_user(staff))
    page = client.get(f"/o/{order.tracking_token}", headers=EN)
    assert "Shipped with JD Logistics (京东): JD0001" in text_of(page)
    assert 'href="https://www.jdl.com/orderSearch/?waybillCodes=JD0001"' in page.get_data(
        as_text=True
    )


def _post(client, url, data, **kwargs):
    token = csrf_token_from(client, "/delivery/shipping")
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


def test_staff_ship_one_order_on_the_page(client, shop, staff, login):
    login(staff)
    order = shop["orders"][0]
    missing = _post(
        client,
        "/delivery/shipping/ship",
        {"order_number": "999", "carrier": "sf", "tracking_number": "X1"},
    )
    assert missing.status_code == 422
    assert "No such order." in text_of(missing)
    done = _post(
        client,
        "/delivery/shipping/ship",
        {"order_number": f"#{order.number}", "carrier": "zto", "tracking_number": "ZT778899"},
    )
    assert done.status_code == 303
    assert Order.get_by_id(order.id).status == "shipped"
    slip = client.get(f"/delivery/shipping/{order.number}/slip")
    assert slip.status_code == 200
    assert "<svg" in slip.get_data(as_text=True) and "ZT778899" in text_of(slip)


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_waybill_export_is_previewed_then_applied_to_the_rows_that_can_be_shipped(
    client, shop, staff, login, kind
):
    first, second, third = shop["orders"]
    transition_order(third, "cancelled", Actor.of_user(staff))
    rows = [
        ["快递单号", "订单号", "收件人"],
        ["YT100", str(first.number), "A"],
        ["YT200", f"#{second.number}", "B"],
        ["YT300", str(third.number), "C"],
        ["YT400", "424242", "D"],
        ["", str(first.number), "E"],
    ]
    if kind == "csv":
        data = "\n".join(",".join(r) for r in rows).encode("utf-8-sig")
    else:
        data = _xlsx(rows)
    login(staff)
    response = _post(
        client,
        "/delivery/shipping/import",
        {"file": (io.BytesIO(data), f"export.{kind}"), "carrier": "yto"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    page = text_of(response)
    assert "The order is Cancelled." in page and "No such order." in page
    assert "Enter the tracking number" in page
    assert "Ship 2 orders with YTO Express (圆通)" in page
    assert Shipment.select().count() == 0  # a preview changes nothing

    html = response.get_data(as_text=True)
    table = (
        html.split('name="table" type="hidden" value="')[1]
        .split('"')[0]
        .replace("&#10;", "\n")
        .replace("&#13;", "\r")
    )
    done = _post(client, "/delivery/shipping/import/confirm", {"table": table, "carrier": "yto"})
    assert done.status_code == 303
    assert {(s.order_id, s.tracking_number) for s in Shipment.select()} == {
        (first.id, "YT100"),
        (second.id, "YT200"),
    }
    assert OrderEvent.select().where(OrderEvent.kind == "shipped").count() == 2


def test_an_unreadable_file_is_refused(client, shop, staff, login):
    login(staff)
    response = _post(
        client,
        "/delivery/shipping/import",
        {"file": (io.BytesIO(b"\x00\x01garbage"), "export.xlsx"), "carrier": "sf"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "This file cannot be read" in text_of(response)
