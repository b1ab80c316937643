"""WeChat Pay through the SDK against the fake gateway: a round trip and every error path."""

import json
import secrets

import pytest

from models.payments.providers.base import (
    AmountMismatch,
    BadNotification,
    Charge,
    CheckoutKind,
    NotificationKind,
    ProviderRefused,
    ProviderTimeout,
    RefundFailed,
    RefundStatus,
    Scene,
    StaleNotification,
    TradeStatus,
    WrongMerchant,
    check_amount,
)
from models.payments.providers.wechat import WeChatPayProvider, WeChatSettings
from tests.fakes import Receiver, certificate, later, private_pem, rsa_key, serial_hex, signed
from tests.fakes.wechatpay_gateway import FakeWeChatPay

MCHID, APPID = "1900000109", "wxd678efh567hg6787"


@pytest.fixture(scope="module")
def keys():
    merchant, platform = rsa_key(), rsa_key()
    return {
        "merchant": merchant,
        "merchant_cert": certificate(merchant, "merchant"),
        "platform": platform,
        "platform_cert": certificate(platform, "Tenpay.com Root CA"),
        "apiv3": secrets.token_hex(16),
    }


@pytest.fixture
def gateway(keys):
    fake = FakeWeChatPay(
        mchid=MCHID,
        appid=APPID,
        merchant_key=keys["merchant"],
        merchant_serial=serial_hex(keys["merchant_cert"]),
        apiv3_key=keys["apiv3"],
        platform_key=keys["platform"],
        platform_cert=keys["platform_cert"],
    )
    yield fake
    fake.close()


def make_provider(keys, fake, notify_url="http://127.0.0.1:9/unused", **changes):
    settings = {
        "mchid": MCHID,
        "appid": APPID,
        "private_key": private_pem(keys["merchant"]),
        "cert_serial_no": serial_hex(keys["merchant_cert"]),
        "apiv3_key": keys["apiv3"],
        "notify_url": notify_url,
        "gateway": fake.url,
        "timeout": 2,
    }
    return WeChatPayProvider(WeChatSettings(**settings | changes))


@pytest.fixture
def shop(keys, gateway):
    """The provider, with a receiver standing for the shop's notify route."""
    receiver = Receiver(None)
    receiver.provider = make_provider(keys, gateway, notify_url=receiver.url + "/pay/notify/wechat")
    yield receiver.provider, receiver
    receiver.close()


def charge(out_trade_no="JL-1001", amount=1250, **options):
    return Charge(out_trade_no, amount, "Jielong order 1001", **options)


def test_round_trip_in_fen(shop, gateway):
    provider, receiver = shop
    checkout = provider.create(charge())
    assert checkout.kind == CheckoutKind.QR and checkout.url.startswith("weixin://wxpay/")
    assert gateway.orders["JL-1001"].total == 1250
    assert provider.query("JL-1001").status == TradeStatus.PENDING

    gateway.pay("JL-1001")
    delivery = gateway.notify_payment("JL-1001")
    assert delivery.status == 204
    [paid] = receiver.received
    assert (paid.kind, paid.paid, paid.amount, paid.total) == (
        NotificationKind.PAYMENT,
        True,
        1250,
        1250,
    )
    assert check_amount(paid, 1250) is paid
    state = provider.query("JL-1001")
    assert (state.status, state.amount, state.transaction_id) == (
        TradeStatus.PAID,
        1250,
        paid.transaction_id,
    )

    refund = provider.refund("JL-1001", "JL-1001-R1", 450, 1250)
    assert (refund.status, refund.amount) == (RefundStatus.PROCESSING, 450)
    assert gateway.finish_refund("JL-1001-R1").status == 204
    refunded = receiver.received[1]
    assert (refunded.kind, refunded.refund_status, refunded.amount, refunded.total) == (
        NotificationKind.REFUND,
        RefundStatus.SUCCEEDED,
        450,
        1250,
    )
    assert refunded.out_refund_no == "JL-1001-R1"
    assert provider.query("JL-1001").status == TradeStatus.REFUNDED
    # The SDK fetched the platform certificate once, and verified every answer with it.
    assert [path for method, path, _ in gateway.requests].count("/v3/certificates") == 1


def test_every_scene_gets_its_checkout(keys, shop, gateway):
    provider, _ = shop
    phone = provider.create(
        charge("JL-2", scene=Scene.PHONE, client_ip="10.0.0.7", return_url="https://shop/o/x")
    )
    assert phone.kind == CheckoutKind.REDIRECT
    assert (
        phone.url.startswith("https://wx.tenpay.com/")
        and "redirect_url=https%3A%2F%2Fshop" in phone.url
    )
    inside = provider.create(
        charge("JL-3", scene=Scene.WECHAT, openid="oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
    )
    assert inside.kind == CheckoutKind.JSAPI
    assert inside.params["package"].startswith("prepay_id=wx")
    params = inside.params
    assert params["appId"] == APPID and params["signType"] == "RSA"
    signed_text = f"{APPID}\n{params['timeStamp']}\n{params['nonceStr']}\n{params['package']}\n"
    assert signed(keys["merchant"].public_key(), signed_text, params["paySign"])
    assert [gateway.orders[no].trade_type for no in ("JL-2", "JL-3")] == ["H5", "JSAPI"]


def test_close_an_unpaid_order_and_not_a_paid_one(shop, gateway):
    provider, _ = shop
    provider.create(charge("JL-4"))
    provider.close("JL-4")
    assert provider.query("JL-4").status == TradeStatus.CLOSED
    provider.create(charge("JL-5"))
    gateway.pay("JL-5")
    with pytest.raises(ProviderRefused) as refused:
        provider.close("JL-5")
    assert refused.value.code == "ORDERPAID"
    assert provider.query("JL-nothing").status == TradeStatus.NOT_FOUND


def test_a_request_signed_with_another_key_is_refused(keys, gateway):
    provider = make_provider(keys, gateway, private_key=private_pem(rsa_key()))
    with pytest.raises(ProviderRefused, match="platform certificate"):
        provider.create(charge())
    assert gateway.requests == [("GET", "/v3/certificates", 401)]
    assert gateway.orders == {}


def test_a_forged_notification_is_refused(shop, gateway):
    provider, receiver = shop
    provider.create(charge())
    gateway.pay("JL-1001")
    delivery = gateway.notify_payment("JL-1001", signed_by=rsa_key())
    assert delivery.status == 400 and json.loads(delivery.answer)["code"] == "FAIL"
    assert isinstance(receiver.received[0], BadNotification)


def test_a_notification_encrypted_with_another_key_is_refused(keys, shop, gateway):
    provider, receiver = shop
    provider.create(charge())
    gateway.pay("JL-1001")
    gateway.apiv3_key = secrets.token_hex(16)
    assert gateway.notify_payment("JL-1001").status == 400
    assert "encryption" in str(receiver.received[0])


def test_an_old_notification_replayed_is_stale(shop, gateway):
    provider, receiver = shop
    provider.create(charge())
    gateway.pay("JL-1001")
    assert gateway.notify_payment("JL-1001", age=600).status == 400
    assert isinstance(receiver.received[0], StaleNotification)


def test_a_notification_for_another_merchant_is_refused(shop, gateway):
    provider, receiver = shop
    provider.create(charge())
    gateway.pay("JL-1001")
    assert gateway.notify_payment("JL-1001", mchid="1230000109").status == 400
    assert gateway.notify_payment("JL-1001", appid="wx0000000000000000").status == 400
    assert all(isinstance(error, WrongMerchant) for error in receiver.received)


def test_a_wrong_amount_is_flagged(shop, gateway):
    provider, receiver = shop
    provider.create(charge())
    gateway.pay("JL-1001", paid=1)
    gateway.notify_payment("JL-1001")
    [notification] = receiver.received
    assert notification.total == 1
    with pytest.raises(AmountMismatch, match="paid 1 fen, the order is 1250 fen"):
        check_amount(notification, 1250)


def test_a_duplicate_notification_verifies_as_the_same_one(shop, gateway):
    provider, receiver = shop
    provider.create(charge())
    gateway.pay("JL-1001")
    first = gateway.notify_payment("JL-1001")
    assert gateway.resend(first).status == 204
    one, two = receiver.received
    assert one == two and one.notification_id and one.transaction_id


def test_a_timeout_then_a_late_notification(keys, shop, gateway):
    provider, receiver = shop
    provider.create(charge())
    slow = make_provider(keys, gateway, notify_url=provider.settings.notify_url, timeout=0.3)
    slow.query("JL-1001")  # fetches the certificates while the gateway is quick
    gateway.delay = 1
    with pytest.raises(ProviderTimeout):
        slow.query("JL-1001")
    gateway.delay = 0
    gateway.pay("JL-1001")
    later(0.2, gateway.notify_payment, "JL-1001").join()
    [late] = receiver.wait_for(1)
    assert late.paid and late.amount == 1250
    assert provider.query("JL-1001").status == TradeStatus.PAID


def test_an_unreachable_gateway_is_a_timeout(keys, gateway):
    provider = make_provider(keys, gateway, gateway="http://127.0.0.1:9")
    with pytest.raises(ProviderTimeout):
        provider.create(charge())


def test_refund_failures(shop, gateway):
    provider, receiver = shop
    provider.create(charge())
    gateway.pay("JL-1001")
    with pytest.raises(RefundFailed) as too_much:
        provider.refund("JL-1001", "R1", 1300, 1250)
    assert too_much.value.code == "INVALID_AMOUNT"
    gateway.refuse_refunds = True
    with pytest.raises(RefundFailed) as refused:
        provider.refund("JL-1001", "R1", 500, 1250)
    assert refused.value.code == "NOT_ENOUGH"
    gateway.refuse_refunds = False
    assert provider.refund("JL-1001", "R1", 500, 1250).status == RefundStatus.PROCESSING
    with pytest.raises(RefundFailed, match="超过订单可退金额"):
        provider.refund("JL-1001", "R2", 800, 1250)
    gateway.finish_refund("R1", succeed=False)
    [abnormal] = receiver.received
    assert (abnormal.refund_status, abnormal.amount) == (RefundStatus.FAILED, 500)


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ({}, b""),
        ({}, b"not json"),
        (
            {"Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048", "Wechatpay-Serial": "zz"},
            b"{}",
        ),
    ],
)
def test_odd_input_is_a_bad_notification(shop, headers, body):
    provider, _ = shop
    with pytest.raises(BadNotification):
        provider.verify_notification(headers, body)
