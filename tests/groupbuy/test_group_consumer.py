"""A failed 成团 with the real worker (tests/consumer.py): the consumer is killed (SIGKILL)
half-way through cancelling the group's orders; the next one finishes, and every customer gets
exactly one cancellation email, all stock comes back and every order paid online (through the
fake Alipay gateway, which the consumers reach on loopback) is refunded exactly once."""

import time
from datetime import timedelta

import pytest

from models.activities.template import FormTemplate
from models.base import utcnow
from models.groupbuy.group import GroupOutcome
from models.orders.order import Order
from models.payments.refunds import SUCCEEDED, Refund
from tasks.automation import tick
from tests.consumer import EMAIL_SHOP, place_on_the_web
from tests.factories import stock_of
from tests.fakes import private_pem, public_pem, rsa_key
from tests.fakes.alipay_gateway import FakeAlipay
from tests.groupbuy.test_group_refunds import paid_by_alipay
from tests.messaging.test_consumer import wait_until
from tests.payments import test_providers_alipay as alipay_tests

PEOPLE = 6
PAID_ONLINE = 4  # the first four pay through Alipay


@pytest.fixture
def alipay(app):
    """The fake gateway, and the settings that point the test app and the consumers at it."""
    keys = {"app": rsa_key(), "alipay": rsa_key()}
    fake = FakeAlipay(appid=alipay_tests.APPID, app_key=keys["app"], alipay_key=keys["alipay"])
    settings = {
        "ALIPAY_APPID": alipay_tests.APPID,
        "ALIPAY_PRIVATE_KEY": private_pem(keys["app"]),
        "ALIPAY_PUBLIC_KEY": public_pem(keys["alipay"]),
        "ALIPAY_GATEWAY": fake.url,
        "PAYMENT_GATEWAY_TIMEOUT": "2",
    }
    provider = alipay_tests.make_provider(keys, fake)
    app.extensions["payment_providers"] = {"alipay": provider}
    yield fake, provider, settings
    fake.close()


def cancelled() -> int:
    return Order.select().where(Order.status == "cancelled").count()


def test_a_worker_killed_while_cancelling_a_failed_group_leaves_nobody_told_twice(
    app,
    client,
    make_shop,
    consumer,
    mailbox,
    alipay,
):
    shop = make_shop(
        **EMAIL_SHOP, settings={"group_minimum": 10}, closes_at=utcnow() + timedelta(hours=1)
    )
    gateway, provider, pay_settings = alipay
    worker = consumer(**pay_settings)
    with app.app_context():
        tokens = [place_on_the_web(client, shop, f"p{n}@example.com") for n in range(PEOPLE)]
        mailbox.wait_for(PEOPLE, timeout=30)  # the "order received" emails
        online = [
            paid_by_alipay(Order.by_token(t), (gateway, provider)) for t in tokens[:PAID_ONLINE]
        ]
        FormTemplate.update(closes_at=utcnow() - timedelta(minutes=1)).execute()
        worker.kill()

        slow = consumer(GROUP_SETTLE_TEST_PAUSE_SECONDS=0.4, **pay_settings)
        tick()
        wait_until(lambda: cancelled() >= 2, timeout=30, what="two cancellations", consumer=slow)
        slow.kill()
        halfway = cancelled()
        assert 2 <= halfway < PEOPLE

        fresh = consumer(**pay_settings)
        tick()
        wait_until(lambda: cancelled() == PEOPLE, timeout=30, what="the rest", consumer=fresh)
        mailbox.wait_for(2 * PEOPLE, timeout=30)
        time.sleep(1.0)  # several sweeps later, nothing more

        cancellations = [m["To"] for m in mailbox.messages if "Cancelled" in m["Subject"]]
        assert sorted(cancellations) == sorted(f"p{n}@example.com" for n in range(PEOPLE))
        assert stock_of(shop["apples"]).reserved == 0
        assert GroupOutcome.select().count() == 1 and not GroupOutcome.get().formed
        wait_until(refunded, timeout=30, what="the online refunds", consumer=fresh)
        time.sleep(1.0)  # several sweeps later, nothing more
        for order in online:
            [refund] = Refund.select().where(Refund.order == order.id)
            paid = f"{order.total / 100:.2f}"  # the whole payment, once
            assert gateway.trades[f"JL-{order.number}"].refunds == {refund.out_refund_no: paid}
            assert Order.get_by_id(order.id).payment_status == "refunded"
        assert Refund.select().count() == PAID_ONLINE  # the others paid nothing online


def refunded() -> bool:
    return Refund.select().where(Refund.status == SUCCEEDED).count() == PAID_ONLINE
