"""Money back online when the group decides it, against the fake Alipay gateway: a failed
成团 refunds each cancelled order's online payment once, a group price lowered at the deadline
refunds the difference of an order paid online (a partial refund by amount); other payments
stay "refund due" for staff and unpaid orders show what is left to collect."""

from datetime import timedelta

import pytest
import requests

from models.activities.template import FormTemplate
from models.base import utcnow
from models.groupbuy.settle import settle_groups
from models.groupbuy.tiers import difference
from models.messaging.outbox import Outbox
from models.orders.lifecycle import Actor
from models.orders.order import Order, OrderEvent
from models.orders.payments import Payment, record_payment
from models.orders.status import PaymentStatus
from models.payments.providers.base import Charge
from models.payments.refunds import SUCCEEDED, Refund
from tasks.notifications import sweep_due
from tests.factories import make_activity, make_product, order_for
from tests.fakes import rsa_key
from tests.fakes.alipay_gateway import FakeAlipay
from tests.groupbuy.test_tiers import tiered_activity
from tests.helpers import EN
from tests.payments import test_providers_alipay as alipay_tests


@pytest.fixture
def alipay(app):
    keys = {"app": rsa_key(), "alipay": rsa_key()}
    fake = FakeAlipay(appid=alipay_tests.APPID, app_key=keys["app"], alipay_key=keys["alipay"])
    provider = alipay_tests.make_provider(keys, fake)
    app.extensions["payment_providers"] = {"alipay": provider}
    yield fake, provider
    fake.close()


def paid_by_alipay(order: Order, alipay) -> Order:
    """The order paid in full through Alipay, recorded as the checkout records it."""
    gateway, provider = alipay
    trade = f"JL-{order.number}"
    checkout = provider.create(Charge(trade, order.total, f"Jielong order {order.number}"))
    requests.get(checkout.url, timeout=5)  # the customer opens the cashier page
    gateway.pay(trade)
    payment = record_payment(order, None, "alipay", Actor.system(), None)
    Payment.update(provider="alipay", provider_trade_no=trade, provider_txn_id="txn").where(
        Payment.id == payment.id
    ).execute()
    return Order.get_by_id(order.id)


def pass_deadline() -> None:
    FormTemplate.update(closes_at=utcnow() - timedelta(minutes=1)).execute()


def refunds_at(gateway, order: Order) -> dict:
    """The gateway's refunds of the order's trade: refund number -> amount in yuan."""
    return gateway.trades[f"JL-{order.number}"].refunds


def test_a_failed_group_refunds_each_online_payment_once(app, alipay):
    gateway, _provider = alipay
    with app.app_context():
        grapes = make_product(40, price=3000, name="Grapes")
        version = make_activity(
            [grapes], settings={"group_minimum": 5}, closes_at=utcnow() + timedelta(hours=1)
        )
        online = paid_by_alipay(order_for(version, [(grapes, 2)]), alipay)
        cash = order_for(version, [(grapes, 1)])
        record_payment(cash, None, "cash", Actor.system(), None)
        unpaid = order_for(version, [(grapes, 1)])
        pass_deadline()

        assert settle_groups(utcnow()) == 3
        [asked] = Refund.select()
        assert (asked.order_id, asked.amount, asked.provider) == (online.id, 6000, "alipay")
        assert refunds_at(gateway, online) == {}  # sent after the commit, by the worker
        sweep_due()
        settle_groups(utcnow())
        sweep_due()  # again, and again: nothing more

        assert refunds_at(gateway, online) == {asked.out_refund_no: "60.00"}
        assert Refund.get_by_id(asked.id).status == SUCCEEDED
        assert Order.get_by_id(online.id).payment_status == PaymentStatus.REFUNDED
        notes = {
            e.order_id: e.note
            for e in OrderEvent.select().where(OrderEvent.to_status == "cancelled")
        }
        said = "The group did not form: 3 of the 5 needed joined."
        assert notes[online.id] == f"{said} Paid online: refunded through the payment service."
        assert notes[cash.id] == f"{said} Paid: refund due."  # staff give cash back
        assert notes[unpaid.id] == said
        assert Order.get_by_id(cash.id).payment_status == PaymentStatus.PAID


def test_a_provider_not_answering_is_asked_again_under_the_same_refund_number(app, alipay):
    gateway, _provider = alipay
    with app.app_context():
        grapes = make_product(40, price=3000, name="Grapes")
        version = make_activity(
            [grapes], settings={"group_minimum": 5}, closes_at=utcnow() + timedelta(hours=1)
        )
        online = paid_by_alipay(order_for(version, [(grapes, 1)]), alipay)
        pass_deadline()
        settle_groups(utcnow())

        gateway.delay = 3  # longer than the provider's timeout (2 s)
        sweep_due()
        gateway.delay = 0
        [asked] = Refund.select()
        assert asked.status == "requested"
        Outbox.update(available_at=utcnow(), locked_until=None).execute()  # the retry is due
        sweep_due()

        assert refunds_at(gateway, online) == {asked.out_refund_no: "30.00"}
        assert Refund.get_by_id(asked.id).status == SUCCEEDED


def test_a_lower_group_price_refunds_the_difference_online_and_shows_it(app, alipay):
    gateway, _provider = alipay
    with app.app_context():
        mangoes = make_product(200, price=2000, name="Mangoes")
        version = tiered_activity(mangoes, [[10, 1800], [30, 1500]])
        online = paid_by_alipay(order_for(version, [(mangoes, 10)], phone="13800000001"), alipay)
        unpaid = order_for(version, [(mangoes, 25)], phone="13800000002")  # at ¥18.00 now
        pass_deadline()

        settle_groups(utcnow())
        sweep_due()

        [asked] = Refund.select()
        assert (asked.order_id, asked.amount) == (online.id, 5000)  # 10 × (¥20.00 − ¥15.00)
        assert refunds_at(gateway, online) == {asked.out_refund_no: "50.00"}
        online, unpaid = Order.get_by_id(online.id), Order.get_by_id(unpaid.id)
        assert online.payment_status == PaymentStatus.PARTLY_REFUNDED
        assert difference(online) == {
            "before": 20000,
            "after": 15000,
            "refunded": 5000,
            "refund": 0,
            "collect": 0,
        }
        assert (unpaid.subtotal, difference(unpaid)["collect"]) == (37500, 37500)
        token = online.tracking_token

    page = app.test_client().get(f"/o/{token}", headers=EN).get_data(as_text=True)
    assert "Given back to you through the payment service: CN¥50.00" in page
    assert "Refund due to you" not in page
