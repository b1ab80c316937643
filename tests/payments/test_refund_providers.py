"""Refunds of online payments through the providers, against the fake gateways: WeChat Pay
answers "processing" and tells the outcome by a signed, encrypted notification to
POST /pay/refund-notify/wechat; Alipay answers at once. Failures leave the refund failed,
shown to staff, with nothing counted as refunded."""

import pytest
import requests

from models.orders.lifecycle import Actor
from models.orders.order import Order, OrderEvent
from models.orders.payments import Payment, record_payment
from models.orders.status import PaymentStatus
from models.payments.providers.base import Charge
from models.payments.refund_provider import on_refund_notification, send_refund
from models.payments.refunds import FAILED, REQUESTED, SUCCEEDED, Refund, request_refund
from tests.factories import order_for
from tests.fakes import Receiver, Server, rsa_key
from tests.fakes.alipay_gateway import FakeAlipay
from tests.fakes.wechatpay_gateway import FakeWeChatPay
from tests.helpers import EN, HTMX
from tests.payments import test_providers_alipay as alipay_tests
from tests.payments import test_providers_wechat as wechat_tests

pytestmark = pytest.mark.usefixtures("app_context")


@pytest.fixture(scope="module")
def wechat_keys():
    return wechat_tests.keys.__wrapped__()


@pytest.fixture
def shop_route(app):
    """The app's own routes on loopback for the gateways to call (through the test client)."""

    def forward(method, path, headers, body):
        with app.test_client() as client:
            response = client.open(path, method=method, headers=headers, data=body)
        return response.status_code, dict(response.headers), response.get_data()

    server = Server(forward)
    yield server
    server.close()


@pytest.fixture
def wechat(app, wechat_keys, shop_route):
    fake = FakeWeChatPay(
        mchid=wechat_tests.MCHID,
        appid=wechat_tests.APPID,
        merchant_key=wechat_keys["merchant"],
        merchant_serial=wechat_tests.serial_hex(wechat_keys["merchant_cert"]),
        apiv3_key=wechat_keys["apiv3"],
        platform_key=wechat_keys["platform"],
        platform_cert=wechat_keys["platform_cert"],
    )
    provider = wechat_tests.make_provider(
        wechat_keys, fake, refund_notify_url=shop_route.url + "/pay/refund-notify/wechat"
    )
    app.extensions["payment_providers"] = {"wechat": provider}
    yield fake, provider
    fake.close()


@pytest.fixture
def alipay(app):
    keys = {"app": rsa_key(), "alipay": rsa_key()}
    fake = FakeAlipay(appid=alipay_tests.APPID, app_key=keys["app"], alipay_key=keys["alipay"])
    provider = alipay_tests.make_provider(keys, fake)
    app.extensions["payment_providers"] = {"alipay": provider}
    yield fake, provider
    fake.close()


def paid_online(shop, staff, provider, gateway, name) -> Order:
    """Two apples (¥25.00) paid through `provider`, as the checkout will record it."""
    order = order_for(shop["version"], [(shop["apples"], 2)])
    trade = f"JL-{order.number}"
    checkout = provider.create(Charge(trade, order.total, f"Jielong order {order.number}"))
    if name == "alipay":
        requests.get(checkout.url, timeout=5)  # the customer opens the cashier page
    gateway.pay(trade)
    payment = record_payment(order, None, name, Actor.of_user(staff), None)
    Payment.update(provider=name, provider_trade_no=trade, provider_txn_id="txn").where(
        Payment.id == payment.id
    ).execute()
    return Order.get_by_id(order.id)


def online_refund(order, admin, providers, amount=1000):
    refund = request_refund(order, Actor.of_user(admin), method="provider", amount=amount)
    return send_refund(refund, providers)


def status_of(order):
    return Order.get_by_id(order.id).payment_status


def test_wechat_refund_waits_for_its_notification(app, shop, staff, admin, wechat):
    gateway, provider = wechat
    order = paid_online(shop, staff, provider, gateway, "wechat")

    refund = online_refund(order, admin, {"wechat": provider})

    assert (refund.status, refund.provider, refund.method) == (REQUESTED, "wechat", "wechat")
    assert gateway.refunds[refund.out_refund_no].refund == 1000
    assert status_of(order) == PaymentStatus.PAID  # nothing back until WeChat Pay says so

    delivery = gateway.finish_refund(refund.out_refund_no)

    assert delivery.status == 204
    assert Refund.get_by_id(refund.id).status == SUCCEEDED
    assert Refund.get_by_id(refund.id).provider_refund_id
    assert status_of(order) == PaymentStatus.PARTLY_REFUNDED
    assert gateway.resend(delivery).status == 204  # delivered again: accepted, nothing new
    assert OrderEvent.select().where(OrderEvent.kind == "refunded").count() == 1


def test_wechat_abnormal_refund_fails_and_counts_for_nothing(
    client, login, shop, staff, admin, wechat
):
    gateway, provider = wechat
    order = paid_online(shop, staff, provider, gateway, "wechat")
    refund = online_refund(order, admin, {"wechat": provider}, amount=2500)

    gateway.finish_refund(refund.out_refund_no, succeed=False)

    assert Refund.get_by_id(refund.id).status == FAILED
    assert status_of(order) == PaymentStatus.PAID
    login(admin)
    page = client.get(f"/board/orders/{order.number}", headers=EN).get_data(as_text=True)
    assert "The refund failed; no money went back." in page
    assert "Up to CN¥25.00 can be refunded." in page  # the failed amount is free again


def test_a_forged_or_replayed_refund_notification_is_refused(shop, staff, admin, wechat):
    gateway, provider = wechat
    order = paid_online(shop, staff, provider, gateway, "wechat")
    refund = online_refund(order, admin, {"wechat": provider})

    forged = gateway.finish_refund(refund.out_refund_no, signed_by=rsa_key())
    replayed = gateway.finish_refund(refund.out_refund_no, age=600)

    assert (forged.status, replayed.status) == (400, 400)
    assert Refund.get_by_id(refund.id).status == REQUESTED
    assert status_of(order) == PaymentStatus.PAID


def test_a_refused_wechat_refund_fails_at_once(shop, staff, admin, wechat):
    gateway, provider = wechat
    order = paid_online(shop, staff, provider, gateway, "wechat")
    gateway.refuse_refunds = True

    refund = online_refund(order, admin, {"wechat": provider})

    assert refund.status == FAILED and "NOT_ENOUGH" in refund.failure
    assert status_of(order) == PaymentStatus.PAID


def test_a_gateway_that_does_not_answer_leaves_the_refund_waiting(
    shop, staff, admin, wechat, wechat_keys
):
    gateway, provider = wechat
    order = paid_online(shop, staff, provider, gateway, "wechat")
    slow = wechat_tests.make_provider(wechat_keys, gateway, timeout=0.3)
    gateway.delay = 1

    refund = online_refund(order, admin, {"wechat": slow})

    assert refund.status == REQUESTED  # outcome unknown: the notification settles it
    gateway.delay = 0


def test_alipay_refunds_at_once_through_the_page(
    client, login, post_form, shop, staff, admin, alipay
):
    gateway, provider = alipay
    order = paid_online(shop, staff, provider, gateway, "alipay")
    login(admin)

    response = post_form(
        f"/board/orders/{order.number}/refunds",
        {"version": Order.get_by_id(order.id).version, "method": "provider", "amount": "4.50"},
        page=f"/board/orders/{order.number}",
        headers=HTMX,
    )

    assert response.status_code == 200
    refund = Refund.get()
    assert (refund.status, refund.amount, refund.provider) == (SUCCEEDED, 450, "alipay")
    assert gateway.trades[f"JL-{order.number}"].refunds == {refund.out_refund_no: "4.50"}
    assert status_of(order) == PaymentStatus.PARTLY_REFUNDED


def test_a_refused_alipay_refund_fails(shop, staff, admin, alipay):
    gateway, provider = alipay
    order = paid_online(shop, staff, provider, gateway, "alipay")
    gateway.refuse_refunds = True

    refund = online_refund(order, admin, {"alipay": provider})

    assert refund.status == FAILED
    assert status_of(order) == PaymentStatus.PAID


def test_alipays_refund_notification_after_its_answer_changes_nothing(app, shop, staff, admin):
    keys = {"app": rsa_key(), "alipay": rsa_key()}
    gateway = FakeAlipay(appid=alipay_tests.APPID, app_key=keys["app"], alipay_key=keys["alipay"])
    receiver = Receiver(None)
    receiver.provider = alipay_tests.make_provider(keys, gateway, notify_url=receiver.url)
    try:
        order = paid_online(shop, staff, receiver.provider, gateway, "alipay")
        refund = online_refund(order, admin, {"alipay": receiver.provider}, amount=450)
        assert refund.status == SUCCEEDED

        gateway.notify_refund(f"JL-{order.number}", refund.out_refund_no)
        [notification] = receiver.wait_for(1)

        assert on_refund_notification(notification) is True
        assert OrderEvent.select().where(OrderEvent.kind == "refunded").count() == 1
        assert Refund.get_by_id(refund.id).status == SUCCEEDED
    finally:
        receiver.close()
        gateway.close()
