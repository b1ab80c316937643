"""An online payment refunded through its provider, end to end against the fake gateways:
the customer pays on the tracking page, the provider's notification records the payment with
the provider's numbers, staff refund part of it on the order page, the provider's refund
notification settles it once, and the order is partly refunded."""

import requests

from models.orders.order import Order, OrderEvent
from models.orders.payments import Payment
from models.orders.status import PaymentStatus
from models.payments.online import OnlinePayment
from models.payments.refunds import REQUESTED, SUCCEEDED, Refund
from tests.helpers import HTMX
from tests.payments.test_online import start


def pay_online(client, order, app, gateways, provider):
    location = start(client, order, provider).headers["Location"]
    if provider == "alipay":
        assert requests.get(location, timeout=5).status_code == 200  # the cashier page
    with app.app_context():
        number = OnlinePayment.get().out_trade_no
    getattr(gateways, provider).pay(number)
    getattr(gateways, provider).notify_payment(number)
    return number


def refund_on_the_page(client, login, post_form, admin, app, order, amount):
    login(admin)
    with app.app_context():
        version = Order.get_by_id(order.id).version
    response = post_form(
        f"/board/orders/{order.number}/refunds",
        {"version": version, "method": "provider", "amount": amount},
        page=f"/board/orders/{order.number}",
        headers=HTMX,
    )
    assert response.status_code == 200
    with app.app_context():
        return Refund.get()


def test_a_wechat_payment_is_refunded_in_part_through_wechat_pay(
    client, login, post_form, admin, online_order, app, gateways, notified_shop
):
    number = pay_online(client, online_order, app, gateways, "wechat")
    with app.app_context():
        payment = Payment.get()
        online = OnlinePayment.get()
    assert (payment.provider, payment.provider_trade_no) == ("wechat", number)
    assert payment.provider_txn_id == online.transaction_id

    refund = refund_on_the_page(client, login, post_form, admin, app, online_order, "7.00")

    assert (refund.status, refund.provider, refund.amount) == (REQUESTED, "wechat", 700), (
        refund.failure
    )
    assert gateways.wechat.refunds[refund.out_refund_no].out_trade_no == number
    delivery = gateways.wechat.finish_refund(refund.out_refund_no)
    again = gateways.wechat.resend(delivery)
    assert (delivery.status, again.status) == (204, 204)
    with app.app_context():
        assert Refund.get_by_id(refund.id).status == SUCCEEDED
        assert Order.get_by_id(online_order.id).payment_status == PaymentStatus.PARTLY_REFUNDED
        assert OrderEvent.select().where(OrderEvent.kind == "refunded").count() == 1


def test_an_alipay_payment_is_refunded_in_part_and_its_notification_counts_once(
    client, login, post_form, admin, online_order, app, gateways, notified_shop
):
    number = pay_online(client, online_order, app, gateways, "alipay")
    with app.app_context():
        assert Payment.get().provider_trade_no == number

    refund = refund_on_the_page(client, login, post_form, admin, app, online_order, "4.50")

    assert (refund.status, refund.provider) == (SUCCEEDED, "alipay")  # Alipay answers at once
    assert gateways.alipay.trades[number].refunds == {refund.out_refund_no: "4.50"}
    sent = gateways.alipay.notify_refund(number, refund.out_refund_no)  # to /pay/notify/alipay
    again = gateways.alipay.resend(sent)
    assert (sent.answer, again.answer) == ("success", "success")
    with app.app_context():
        assert Order.get_by_id(online_order.id).payment_status == PaymentStatus.PARTLY_REFUNDED
        assert OrderEvent.select().where(OrderEvent.kind == "refunded").count() == 1
        assert Payment.select().count() == 1


def test_an_alipay_refund_left_waiting_is_settled_by_its_notification(
    client, login, post_form, admin, online_order, app, gateways, notified_shop
):
    number = pay_online(client, online_order, app, gateways, "alipay")
    gateways.alipay.delay = 3  # longer than PAYMENT_GATEWAY_TIMEOUT: the answer is lost
    refund = refund_on_the_page(client, login, post_form, admin, app, online_order, "4.50")
    gateways.alipay.delay = 0
    assert refund.status == REQUESTED

    sent = gateways.alipay.notify_refund(number, refund.out_refund_no)

    assert sent.answer == "success"
    with app.app_context():
        assert Refund.get_by_id(refund.id).status == SUCCEEDED
        assert Order.get_by_id(online_order.id).payment_status == PaymentStatus.PARTLY_REFUNDED
        assert OrderEvent.select().where(OrderEvent.kind == "refunded").count() == 1
