"""A cancelled order's open provider orders are closed at the providers after the
cancellation commits (an outbox row the worker does), against the fake gateways; a provider
that does not answer is asked again; a payment that comes anyway stays flagged for staff."""

import requests

from models.base import utcnow
from models.messaging.outbox import Outbox
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order
from models.orders.status import OrderStatus
from models.payments.online import CLOSED, FLAGGED, ORDER_CANCELLED, OnlinePayment
from tasks.notifications import sweep_due
from tests.helpers import HTMX, csrf_token_from
from tests.payments.test_online import start


def checkout(client, order, app, provider="wechat") -> OnlinePayment:
    location = start(client, order, provider).headers["Location"]
    if provider == "alipay":
        assert requests.get(location, timeout=5).status_code == 200
    with app.app_context():
        return OnlinePayment.get()


def test_the_customer_cancelling_closes_the_provider_order(client, online_order, app, gateways):
    online = checkout(client, online_order, app)
    token = csrf_token_from(client, f"/o/{online_order.tracking_token}")

    response = client.post(
        f"/o/{online_order.tracking_token}/cancel",
        data={"csrf_token": token, "version": online_order.version},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert gateways.wechat.orders[online.out_trade_no].state == "CLOSED"
    with app.app_context():
        assert OnlinePayment.get_by_id(online.id).status == CLOSED
        assert Outbox.get(Outbox.kind == "close_checkouts").done_at is not None


def test_staff_cancelling_closes_alipay_and_a_late_payment_stays_flagged(
    client, online_order, app, gateways, notified_shop, staff
):
    online = checkout(client, online_order, app, "alipay")
    with app.app_context():
        transition_order(
            Order.get_by_id(online_order.id), OrderStatus.CANCELLED, Actor.of_user(staff)
        )
        assert gateways.alipay.trades[online.out_trade_no].status == "WAIT_BUYER_PAY"  # not yet
        sweep_due()  # the worker, after the commit
    assert gateways.alipay.trades[online.out_trade_no].status == "TRADE_CLOSED"

    gateways.alipay.pay(online.out_trade_no)  # paid anyway (a wallet that had it open)
    sent = gateways.alipay.notify_payment(online.out_trade_no)

    assert sent.answer == "success"
    with app.app_context():
        late = OnlinePayment.get_by_id(online.id)
        assert (late.status, late.problem) == (FLAGGED, ORDER_CANCELLED)


def test_a_provider_not_answering_is_asked_again_and_a_payment_meanwhile_is_flagged(
    client, online_order, app, gateways, notified_shop, staff
):
    online = checkout(client, online_order, app)
    gateways.wechat.delay = 3  # longer than PAYMENT_GATEWAY_TIMEOUT
    with app.app_context():
        transition_order(
            Order.get_by_id(online_order.id), OrderStatus.CANCELLED, Actor.of_user(staff)
        )
        sweep_due()
        row = Outbox.get(Outbox.kind == "close_checkouts")
        assert (row.done_at, Order.get_by_id(online_order.id).status) == (None, "cancelled")
        assert OnlinePayment.get_by_id(online.id).status == "open"
    gateways.wechat.delay = 0
    gateways.wechat.pay(online.out_trade_no)  # the customer paid before the close came

    with app.app_context():
        Outbox.update(available_at=utcnow()).where(Outbox.id == row.id).execute()
        sweep_due()  # the close is refused (ORDERPAID): the query settles it, flagged
        assert Outbox.get_by_id(row.id).done_at is not None
        settled = OnlinePayment.get_by_id(online.id)
        assert (settled.status, settled.problem) == (FLAGGED, ORDER_CANCELLED)
