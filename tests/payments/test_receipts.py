"""The customer's printable receipt /o/<token>/receipt: only once something was paid; the
shop, the lines, payments and refunds in shop time, and a link from the tracking page."""

import pytest

from models.orders.lifecycle import Actor
from models.orders.order import Order
from models.orders.payments import Payment, record_payment
from models.payments.refunds import Refund, request_refund
from tests.factories import order_for
from tests.helpers import EN

pytestmark = pytest.mark.usefixtures("app_context")


def test_a_receipt_once_something_was_paid(app, client, shop, staff, admin):
    order = order_for(shop["version"], [(shop["apples"], 2)])
    receipt_url = f"/o/{order.tracking_token}/receipt"
    assert client.get(receipt_url, headers=EN).status_code == 404
    tracking = client.get(f"/o/{order.tracking_token}", headers=EN).get_data(as_text=True)
    assert receipt_url not in tracking

    record_payment(order, None, "wechat", Actor.of_user(staff), None)
    request_refund(Order.get_by_id(order.id), Actor.of_user(admin), method="cash", amount=450)
    Payment.update(created_at="2026-03-01 02:30:00").execute()  # 10:30 in Shanghai
    Refund.update(settled_at="2026-03-02 04:00:00").execute()  # 12:00 in Shanghai

    tracking = client.get(f"/o/{order.tracking_token}", headers=EN).get_data(as_text=True)
    assert f'href="{receipt_url}"' in tracking
    response = client.get(receipt_url, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert app.config["SHOP_NAME"] in html
    assert f"Receipt of order #{order.number}" in html
    assert "Apples" in html and "CN¥12.50" in html and "CN¥25.00" in html
    assert "WeChat Pay" in html and "Refund (Cash)" in html and "−CN¥4.50" in html
    assert "CN¥20.50" in html  # paid after refunds
    assert "10:30" in html and "12:00" in html  # shop time
    assert "css/print.css" in html


def test_a_failed_refund_is_not_on_the_receipt(client, shop, staff, admin):
    order = order_for(shop["version"], [(shop["apples"], 2)])
    record_payment(order, None, "cash", Actor.of_user(staff), None)
    Refund.create(order=order.id, amount=300, method="cash", status="failed")

    html = client.get(f"/o/{order.tracking_token}/receipt", headers=EN).get_data(as_text=True)

    assert "Refund (" not in html and "CN¥3.00" not in html


def test_the_receipt_speaks_chinese(client, shop, staff):
    order = order_for(shop["version"], [(shop["apples"], 2)])
    record_payment(order, None, "alipay", Actor.of_user(staff), None)
    html = client.get(
        f"/o/{order.tracking_token}/receipt", headers={"Accept-Language": "zh-CN"}
    ).get_data(as_text=True)
    assert f"订单 #{order.number} 的收据" in html


def test_the_tracking_page_tells_the_customer_of_a_part_refund(client, shop, staff, admin):
    order = order_for(shop["version"], [(shop["apples"], 2)])
    record_payment(order, None, "cash", Actor.of_user(staff), None)
    request_refund(Order.get_by_id(order.id), Actor.of_user(admin), method="cash", amount=450)

    html = client.get(f"/o/{order.tracking_token}", headers=EN).get_data(as_text=True)

    assert "The shop refunded CN¥4.50 to you." in html
    assert "Payment: Partly refunded" in html
