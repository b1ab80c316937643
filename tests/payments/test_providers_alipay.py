"""Alipay through the SDK against the fake gateway: a round trip and every error path."""

from datetime import timedelta

import pytest
import requests

from models.payments.providers.alipay import AlipayProvider, AlipaySettings
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
from tests.fakes import Receiver, later, private_pem, public_pem, rsa_key
from tests.fakes.alipay_gateway import FakeAlipay

APPID = "2021000117600001"


@pytest.fixture(scope="module")
def keys():
    return {"app": rsa_key(), "alipay": rsa_key()}


@pytest.fixture
def gateway(keys):
    fake = FakeAlipay(appid=APPID, app_key=keys["app"], alipay_key=keys["alipay"])
    yield fake
    fake.close()


def make_provider(keys, fake, notify_url="http://127.0.0.1:9/unused", **changes):
    settings = {
        "appid": APPID,
        "private_key": private_pem(keys["app"]),
        "alipay_public_key": public_pem(keys["alipay"]),
        "notify_url": notify_url,
        "gateway": fake.url,
        "timeout": 2,
    }
    return AlipayProvider(AlipaySettings(**settings | changes))


@pytest.fixture
def shop(keys, gateway):
    """The provider, with a receiver standing for the shop's notify route."""
    receiver = Receiver(None)
    receiver.provider = make_provider(keys, gateway, notify_url=receiver.url + "/pay/notify/alipay")
    yield receiver.provider, receiver
    receiver.close()


def opened(provider, out_trade_no="JL-1001", amount=1250, **options):
    """Create the checkout and open it in the browser, as the customer does."""
    checkout = provider.create(Charge(out_trade_no, amount, "Jielong order", **options))
    page = requests.get(checkout.url, timeout=5)
    assert page.status_code == 200, page.text
    return checkout, page


def test_round_trip_in_fen(shop, gateway):
    provider, receiver = shop
    assert provider.query("JL-1001").status == TradeStatus.NOT_FOUND
    checkout, page = opened(provider, return_url="https://shop.example/o/abc")
    assert checkout.kind == CheckoutKind.REDIRECT and checkout.url.startswith(gateway.url)
    assert "¥12.50" in page.text
    assert provider.query("JL-1001").status == TradeStatus.PENDING

    gateway.pay("JL-1001")
    delivery = gateway.notify_payment("JL-1001")
    assert (delivery.status, delivery.answer) == (200, "success")
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
    assert (refund.status, refund.amount) == (RefundStatus.SUCCEEDED, 450)
    assert gateway.trades["JL-1001"].refunds == {"JL-1001-R1": "4.50"}
    assert gateway.notify_refund("JL-1001", "JL-1001-R1").answer == "success"
    refunded = receiver.received[1]
    assert (refunded.kind, refunded.out_refund_no, refunded.refunded_total) == (
        NotificationKind.REFUND,
        "JL-1001-R1",
        450,
    )
    assert provider.refund("JL-1001", "JL-1001-R2", 800, 1250).status == RefundStatus.SUCCEEDED
    assert provider.query("JL-1001").status == TradeStatus.CLOSED  # all of it refunded


def test_a_phone_gets_wap_pay(shop, gateway):
    provider, _ = shop
    checkout, _ = opened(provider, scene=Scene.PHONE, return_url="https://shop.example/o/abc")
    assert checkout.kind == CheckoutKind.REDIRECT
    assert gateway.trades["JL-1001"].product_code == "QUICK_WAP_PAY"


def test_close_an_unpaid_trade_and_not_a_paid_one(shop, gateway):
    provider, _ = shop
    provider.close("JL-never-opened")
    checkout, _ = opened(provider, "JL-4")
    provider.close("JL-4")
    assert provider.query("JL-4").status == TradeStatus.CLOSED
    assert "已关闭" in requests.get(checkout.url, timeout=5).text
    opened(provider, "JL-5")
    gateway.pay("JL-5")
    with pytest.raises(ProviderRefused) as refused:
        provider.close("JL-5")
    assert refused.value.code == "ACQ.TRADE_STATUS_ERROR"


def test_a_request_signed_with_another_key_is_refused(keys, gateway):
    provider = make_provider(keys, gateway, private_key=private_pem(rsa_key()))
    checkout = provider.create(Charge("JL-1", 100, "x"))
    assert requests.get(checkout.url, timeout=5).status_code == 400
    with pytest.raises(ProviderRefused) as refused:
        provider.query("JL-1")
    assert refused.value.code == "isv.invalid-signature"
    assert gateway.trades == {}


def test_an_answer_signed_with_another_key_is_refused(keys, gateway):
    provider = make_provider(keys, gateway, alipay_public_key=public_pem(rsa_key()))
    with pytest.raises(ProviderRefused, match="signature"):
        provider.query("JL-1")


def test_a_forged_notification_is_refused(shop, gateway):
    provider, receiver = shop
    opened(provider)
    gateway.pay("JL-1001")
    assert gateway.notify_payment("JL-1001", signed_by=rsa_key()).answer == "fail"
    assert isinstance(receiver.received[0], BadNotification)


def test_a_changed_field_breaks_the_signature(shop, gateway):
    provider, receiver = shop
    opened(provider)
    gateway.pay("JL-1001")
    sent = gateway.notify_payment("JL-1001")
    sent.fields["total_amount"] = "0.01"
    assert gateway.resend(sent).answer == "fail"
    assert isinstance(receiver.received[1], BadNotification)


def test_an_old_notification_replayed_is_stale(shop, gateway):
    provider, receiver = shop
    opened(provider)
    gateway.pay("JL-1001")
    assert gateway.notify_payment("JL-1001", age=timedelta(days=2)).answer == "fail"
    assert isinstance(receiver.received[0], StaleNotification)


def test_a_notification_for_another_app_is_refused(shop, gateway):
    provider, receiver = shop
    opened(provider)
    gateway.pay("JL-1001")
    assert gateway.notify_payment("JL-1001", app_id="2021000000000000").answer == "fail"
    assert isinstance(receiver.received[0], WrongMerchant)


def test_a_wrong_amount_is_flagged(shop, gateway):
    provider, receiver = shop
    opened(provider)
    gateway.pay("JL-1001", paid="0.01")
    gateway.notify_payment("JL-1001")
    [notification] = receiver.received
    with pytest.raises(AmountMismatch, match="paid 1 fen, the order is 1250 fen"):
        check_amount(notification, 1250)


def test_a_duplicate_notification_verifies_as_the_same_one(shop, gateway):
    provider, receiver = shop
    opened(provider)
    gateway.pay("JL-1001")
    gateway.resend(gateway.notify_payment("JL-1001"))
    one, two = receiver.received
    assert one == two and one.notification_id and one.transaction_id


def test_a_timeout_then_a_late_notification(keys, shop, gateway):
    provider, receiver = shop
    opened(provider)
    slow = make_provider(keys, gateway, timeout=0.3)
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
    provider = make_provider(keys, gateway, gateway="http://127.0.0.1:9/gateway.do")
    with pytest.raises(ProviderTimeout):
        provider.query("JL-1")


def test_refund_failures(shop, gateway):
    provider, _ = shop
    opened(provider)
    gateway.pay("JL-1001")
    with pytest.raises(RefundFailed) as too_much:
        provider.refund("JL-1001", "R1", 1300, 1250)
    assert too_much.value.code == "INVALID_AMOUNT"
    gateway.refuse_refunds = True
    with pytest.raises(RefundFailed) as refused:
        provider.refund("JL-1001", "R1", 500, 1250)
    assert refused.value.code == "ACQ.SELLER_BALANCE_NOT_ENOUGH"
    gateway.refuse_refunds = False
    assert provider.refund("JL-1001", "R1", 500, 1250).status == RefundStatus.SUCCEEDED
    assert (
        provider.refund("JL-1001", "R1", 500, 1250).status == RefundStatus.SUCCEEDED
    )  # again: once
    with pytest.raises(RefundFailed) as over:
        provider.refund("JL-1001", "R2", 800, 1250)
    assert over.value.code == "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL"
    assert gateway.trades["JL-1001"].refunds == {"R1": "5.00"}


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not a form",
        b"sign=abc&sign_type=RSA2",
        b"sign=abc&sign_type=RSA&app_id=1",
        "签名=坏".encode(),
    ],
)
def test_odd_input_is_a_bad_notification(shop, body):
    provider, _ = shop
    with pytest.raises(BadNotification):
        provider.verify_notification({}, body)
