"""A flagged online payment (another amount than asked, a cancelled order) given back through
its provider from the payment claims page, against the fake gateways: tied to the provider
order, counted nowhere in the order's figures, once, and the payment leaves the list."""

import requests

from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order
from models.orders.status import OrderStatus, PaymentStatus
from models.payments.flagged_refunds import refund_flagged
from models.payments.online import HANDLED, OnlinePayment
from models.payments.refunds import REQUESTED, SUCCEEDED, Refund
from tests.helpers import EN, csrf_token_from, race
from tests.payments.test_online import start


def flag(client, order, app, gateways, provider, paid=None):
    location = start(client, order, provider).headers["Location"]
    if provider == "alipay":
        assert requests.get(location, timeout=5).status_code == 200
    with app.app_context():
        number = OnlinePayment.get().out_trade_no
    getattr(gateways, provider).pay(number, **({"paid": paid} if paid else {}))
    getattr(gateways, provider).notify_payment(number)
    with app.app_context():
        online = OnlinePayment.get()
    assert online.status == "flagged"
    return online


def click_refund(client, online):
    token = csrf_token_from(client, "/board/claims")
    return client.post(
        f"/board/claims/online/{online.id}/refund", data={"csrf_token": token}, headers=EN
    )


def test_a_wrong_amount_goes_back_through_wechat_pay(
    client, login, admin, online_order, app, gateways, notified_shop
):
    online = flag(client, online_order, app, gateways, "wechat", paid=1)
    login(admin)
    assert "Refund CN¥0.01" in client.get("/board/claims", headers=EN).get_data(as_text=True)

    assert click_refund(client, online).status_code == 303

    with app.app_context():
        refund = Refund.get()
    assert (refund.status, refund.online_payment_id, refund.amount) == (REQUESTED, online.id, 1)
    assert gateways.wechat.refunds[refund.out_refund_no].out_trade_no == online.out_trade_no
    page = client.get("/board/claims", headers=EN).get_data(as_text=True)
    assert "Refund on its way" in page and "Refund CN¥0.01" not in page
    assert click_refund(client, online).status_code == 303  # a second click: refused
    with app.app_context():
        assert Refund.select().count() == 1

    delivery = gateways.wechat.finish_refund(refund.out_refund_no)

    assert (delivery.status, gateways.wechat.resend(delivery).status) == (204, 204)
    with app.app_context():
        assert Refund.get_by_id(refund.id).status == SUCCEEDED
        assert OnlinePayment.get_by_id(online.id).status == HANDLED
        order = Order.get_by_id(online_order.id)
        assert order.payment_status == PaymentStatus.UNPAID  # never paid, never refunded
    assert "Online payments to check" not in client.get("/board/claims").get_data(as_text=True)


def test_a_payment_for_a_cancelled_order_goes_back_through_alipay_at_once(
    client, login, admin, staff, online_order, app, gateways, notified_shop
):
    location = start(client, online_order, "alipay").headers["Location"]
    assert requests.get(location, timeout=5).status_code == 200
    with app.app_context():
        number = OnlinePayment.get().out_trade_no
        transition_order(
            Order.get_by_id(online_order.id), OrderStatus.CANCELLED, Actor.of_user(staff)
        )
    gateways.alipay.pay(number)
    gateways.alipay.notify_payment(number)
    login(admin)

    click_refund(client, _only(app))

    with app.app_context():
        refund = Refund.get()
        assert (refund.status, refund.amount) == (SUCCEEDED, 2500)
        assert OnlinePayment.get().status == HANDLED
    assert gateways.alipay.trades[number].refunds == {refund.out_refund_no: "25.00"}


def _only(app):
    with app.app_context():
        return OnlinePayment.get()


def test_staff_may_not_refund_unless_the_shop_allows_it(
    client, login, staff, online_order, app, gateways, notified_shop
):
    online = flag(client, online_order, app, gateways, "wechat", paid=1)
    login(staff)
    assert "Refund CN¥0.01" not in client.get("/board/claims", headers=EN).get_data(as_text=True)
    click_refund(client, online)
    with app.app_context():
        assert Refund.select().count() == 0


def test_two_refunds_at_once_make_one(app, online_order, gateways, notified_shop, admin, client):
    online = flag(client, online_order, app, gateways, "wechat", paid=1)

    results = race(app, 4, lambda _: refund_flagged(online, Actor.of_user(admin)).id)

    assert sorted(outcome for outcome, _ in results) == ["RefundRefused"] * 3 + ["ok"]
    with app.app_context():
        assert Refund.select().count() == 1
