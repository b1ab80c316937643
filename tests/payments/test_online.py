"""Paying online against the fake gateways: the checkout from the tracking page, the notify
routes (signatures, amounts, replays, duplicates), the customer's return, the payment window."""

import time
from datetime import timedelta

import pytest
import requests
from peewee import IntegrityError

from commands.demo.shop import PAID_STARTS_FULFILMENT
from models.activities.design import TemplateSettings
from models.activities.template import FormTemplate
from models.automation.rules import save_rule
from models.automation.timed import cancel_overdue_orders
from models.base import utcnow
from models.catalog.products import Stock
from models.db import db
from models.messaging.outbox import Outbox
from models.orders.lifecycle import Actor, transition_order
from models.orders.order import Order, OrderEvent
from models.orders.payments import Payment, record_payment
from models.orders.status import OrderStatus, PaymentStatus
from models.payments.online import OnlinePayment, start_checkout
from models.payments.providers.base import Scene
from tests.activities.test_designer import new_template, settings_data
from tests.factories import contact_fields, order_for
from tests.fakes import rsa_key
from tests.helpers import EN, csrf_token_from, race, text_of
from tests.payments.conftest import ONLINE_METHODS

PHONE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"
WECHAT_UA = PHONE_UA + " MicroMessenger/8.0.40"
DESKTOP_UA = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36"


def start(client, order, provider, agent=DESKTOP_UA):
    page = f"/o/{order.tracking_token}"
    token = csrf_token_from(client, page)
    return client.post(
        f"{page}/pay/{provider}",
        data={"csrf_token": token},
        headers={**EN, "User-Agent": agent},
    )


def the_checkout(app) -> OnlinePayment:
    with app.app_context():
        return OnlinePayment.get()


def payments(app, order) -> list[Payment]:
    with app.app_context():
        return list(Payment.select().where(Payment.order == order.id))


def order_now(app, order) -> Order:
    with app.app_context():
        return Order.get_by_id(order.id)


# --- offering the methods -------------------------------------------------------------------


def test_publishing_a_form_offering_an_unconfigured_provider_is_refused(admin_post, app):
    template = new_template(admin_post)
    FormTemplate.update(draft={"fields": contact_fields(), "settings": {}}).where(
        FormTemplate.id == template.id
    ).execute()
    admin_post(
        f"/admin/forms/{template.id}/settings",
        {**settings_data(kind="service"), "payment_methods": ["at_pickup", "wechat_pay"]},
    )
    assert TemplateSettings.of(FormTemplate.get_by_id(template.id)).payment_methods == [
        "at_pickup",
        "wechat_pay",
    ]

    refused = admin_post(f"/admin/forms/{template.id}/publish", htmx=True)

    assert "offers paying online by WeChat Pay, but the shop has not set up its keys" in text_of(
        refused
    )
    assert FormTemplate.get_by_id(template.id).versions.count() == 0


def test_the_tracking_page_offers_the_configured_providers(client, online_order, gateways):
    response = client.get(f"/o/{online_order.tracking_token}", headers=EN)
    html = response.get_data(as_text=True)
    assert "Pay online" in html and "25.00" in html
    assert "Pay by WeChat Pay" in html and "Pay by Alipay" in html
    # a checkout button's POST is redirected to the gateway: the policy lets it go there
    policy = response.headers["Content-Security-Policy"]
    alipay = gateways.alipay.url.removesuffix("/gateway.do")
    form_action = next(part for part in policy.split("; ") if part.startswith("form-action"))
    # and WeChat's sign-in (here the fake's), where the button goes inside WeChat
    assert set(form_action.split()[1:]) == {
        "'self'",
        alipay,
        "https://wx.tenpay.com",
        gateways.wechat.url,
    }


# --- the checkout -----------------------------------------------------------------------------


def test_desktop_wechat_shows_a_native_qr_code_rendered_on_the_server(client, online_order, app):
    response = start(client, online_order, "wechat")

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/o/{online_order.tracking_token}#pay-online")
    online = the_checkout(app)
    assert (online.provider, online.scene, online.checkout_kind) == ("wechat", "desktop", "qr")
    assert online.amount == 2500  # the server's total
    assert online.checkout_url.startswith("weixin://")
    html = client.get(f"/o/{online_order.tracking_token}", headers=EN).get_data(as_text=True)
    assert "<svg" in html and "Scan with WeChat to pay" in html


def test_a_phone_browser_goes_to_wechat_h5_and_alipay_wap(client, online_order, app, gateways):
    wechat = start(client, online_order, "wechat", PHONE_UA)
    assert wechat.status_code == 303
    assert "checkmweb" in wechat.headers["Location"]  # H5, back to the return URL after
    assert "redirect_url=" in wechat.headers["Location"]

    alipay = start(client, online_order, "alipay", PHONE_UA)
    assert alipay.status_code == 303
    assert alipay.headers["Location"].startswith(gateways.alipay.url)
    assert "alipay.trade.wap.pay" in requests.utils.unquote(alipay.headers["Location"])


def test_desktop_alipay_is_page_pay(client, online_order):
    response = start(client, online_order, "alipay")
    assert "alipay.trade.page.pay" in requests.utils.unquote(response.headers["Location"])


def test_inside_wechat_without_the_app_secret_the_native_qr_code_with_an_honest_word(
    client, online_order, app
):
    app.config["WECHAT_APP_SECRET"] = ""  # no sign-in: no openid, no JSAPI
    app.extensions.pop("payment_providers", None)
    start(client, online_order, "wechat", WECHAT_UA)

    assert the_checkout(app).checkout_kind == "qr"
    html = client.get(
        f"/o/{online_order.tracking_token}", headers={**EN, "User-Agent": WECHAT_UA}
    ).get_data(as_text=True)
    assert "Paying right inside WeChat is not set up for this shop" in html


def test_a_double_tap_reuses_the_open_provider_order(client, online_order, app, gateways):
    start(client, online_order, "wechat")
    start(client, online_order, "wechat")

    with app.app_context():
        assert OnlinePayment.select().count() == 1
    assert len(gateways.wechat.orders) == 1


def test_taps_at_once_make_one_provider_order(app, online_order, gateways):
    results = race(
        app,
        6,
        lambda i: (
            start_checkout(
                Order.get_by_id(online_order.id),
                "wechat",
                Scene.DESKTOP,
                client_ip="127.0.0.1",
                return_url="http://shop.test/back",
            ).out_trade_no
        ),
    )

    assert [outcome for outcome, _ in results] == ["ok"] * 6, results
    assert len({number for _, number in results}) == 1
    with app.app_context():
        assert OnlinePayment.select().count() == 1
    assert len(gateways.wechat.orders) == 1


def test_the_gateway_down_is_a_clear_message_not_a_500(client, online_order, app, gateways):
    gateways.wechat.close()

    response = start(client, online_order, "wechat")

    assert response.status_code == 422
    assert "The payment service is not answering right now" in text_of(response)
    with app.app_context():
        assert OnlinePayment.select().count() == 0


def test_a_gateway_timing_out_is_a_clear_message_and_its_late_notification_is_refused(
    client, online_order, app, gateways, notified_shop
):
    start(client, online_order, "wechat")  # the WeChat client starts (certificates)
    with app.app_context():
        OnlinePayment.delete().execute()  # as if it had never been
    first = set(gateways.wechat.orders)
    gateways.wechat.delay = 2.5  # longer than PAYMENT_GATEWAY_TIMEOUT

    response = start(client, online_order, "wechat")

    assert response.status_code == 422
    assert "The payment service is not answering right now" in text_of(response)
    with app.app_context():
        assert OnlinePayment.select().count() == 0
    gateways.wechat.delay = 0
    time.sleep(1)  # the gateway goes on and makes the order after the shop gave up
    [number] = set(gateways.wechat.orders) - first  # the shop never showed it
    gateways.wechat.pay(number)
    late = gateways.wechat.notify_payment(number)
    assert late.status == 400  # not one of ours: refused, and nothing recorded
    assert payments(app, online_order) == []


# --- notifications ----------------------------------------------------------------------------


def test_wechat_notification_records_one_payment_and_fires_the_rule_once(
    client, online_order, app, gateways, notified_shop, admin
):
    with app.app_context():
        save_rule(None, admin, name="paid", trigger="payment_recorded", enabled=True,
                  conditions=[], actions=[{"kind": "confirm"}])  # fmt: skip
    start(client, online_order, "wechat")
    number = the_checkout(app).out_trade_no
    gateways.wechat.pay(number)

    sent = gateways.wechat.notify_payment(number)
    again = gateways.wechat.resend(sent)  # the same notification again

    assert (sent.status, again.status) == (204, 204)
    [payment] = payments(app, online_order)
    assert (payment.amount, payment.method) == (2500, "wechat")
    assert order_now(app, online_order).payment_status == PaymentStatus.PAID
    with app.app_context():
        online = OnlinePayment.get()
        assert (online.status, online.payment_id) == ("paid", payment.id)
        event = OrderEvent.get(OrderEvent.kind == "payment")
        assert Outbox.select().where(Outbox.delivery_key == f"rules.{event.id}").count() == 1
        assert Outbox.select().where(Outbox.kind == "rules").count() == 1


def test_the_seed_rule_starts_fulfilment_of_a_paid_confirmed_order(
    client, online_order, app, gateways, notified_shop, admin, staff
):
    with app.app_context():
        save_rule(None, admin, enabled=True, **PAID_STARTS_FULFILMENT)
        transition_order(Order.get_by_id(online_order.id), "confirmed", Actor.of_user(staff))
    start(client, online_order, "wechat")
    number = the_checkout(app).out_trade_no
    gateways.wechat.pay(number)

    gateways.wechat.notify_payment(number)

    assert order_now(app, online_order).status == OrderStatus.PROCESSING


def test_alipay_notification_answers_success_and_records_once(
    client, online_order, app, gateways, notified_shop
):
    location = start(client, online_order, "alipay").headers["Location"]
    assert requests.get(location, timeout=5).status_code == 200  # the cashier opens the trade
    number = the_checkout(app).out_trade_no
    gateways.alipay.pay(number)

    sent = gateways.alipay.notify_payment(number)
    again = gateways.alipay.resend(sent)

    assert (sent.status, sent.answer, again.answer) == (200, "success", "success")
    [payment] = payments(app, online_order)
    assert (payment.amount, payment.method) == (2500, "alipay")


def test_a_forged_or_replayed_or_foreign_notification_is_refused(
    client, online_order, app, gateways, notified_shop
):
    start(client, online_order, "wechat")
    number = the_checkout(app).out_trade_no
    gateways.wechat.pay(number)

    forged = gateways.wechat.notify_payment(number, signed_by=rsa_key())
    replayed = gateways.wechat.notify_payment(number, age=600)
    foreign = gateways.wechat.notify_payment(number, mchid="1900000999")

    assert [sent.status for sent in (forged, replayed, foreign)] == [400, 400, 400]
    assert '"FAIL"' in forged.answer
    assert payments(app, online_order) == []
    assert order_now(app, online_order).payment_status == PaymentStatus.UNPAID


def test_a_forged_alipay_notification_is_refused(
    client, online_order, app, gateways, notified_shop
):
    location = start(client, online_order, "alipay").headers["Location"]
    requests.get(location, timeout=5)
    number = the_checkout(app).out_trade_no
    gateways.alipay.pay(number)

    forged = gateways.alipay.notify_payment(number, signed_by=rsa_key())

    assert (forged.status, forged.answer) == (400, "fail")
    assert payments(app, online_order) == []


def test_a_wrong_amount_is_flagged_for_staff_not_recorded(
    client, online_order, app, gateways, notified_shop, staff, login
):
    start(client, online_order, "wechat")
    number = the_checkout(app).out_trade_no
    gateways.wechat.pay(number, paid=1)

    sent = gateways.wechat.notify_payment(number)

    assert sent.status == 204  # received: no need to send it again
    assert payments(app, online_order) == []
    assert order_now(app, online_order).payment_status == PaymentStatus.UNPAID
    with app.app_context():
        online = OnlinePayment.get()
        assert (online.status, online.problem, online.paid_amount) == ("flagged", "wrong_amount", 1)
        assert OrderEvent.get(OrderEvent.kind == "payment_flagged").note == "1 wechat wrong_amount"
    login(staff)
    page = client.get(f"/board/orders/{online_order.number}", headers=EN).get_data(as_text=True)
    assert "Online payment of CN¥0.01 (WeChat Pay) is not the amount asked" in page
    tracking = client.get(f"/o/{online_order.tracking_token}", headers=EN).get_data(as_text=True)
    assert "The shop will contact you about your online payment." in tracking
    queue = client.get("/board/claims", headers=EN).get_data(as_text=True)
    assert "Online payments to check" in queue and "Not the amount asked (CN¥25.00)." in queue

    token = csrf_token_from(client, "/board/claims")
    handled = client.post(f"/board/claims/online/{online.id}/handled", data={"csrf_token": token})

    assert handled.status_code == 303
    assert "Online payments to check" not in client.get("/board/claims").get_data(as_text=True)


def test_a_notification_racing_the_return_and_a_staff_click_records_one_payment(
    client, online_order, app, gateways, notified_shop, staff
):
    start(client, online_order, "wechat")
    number = the_checkout(app).out_trade_no
    gateways.wechat.pay(number)
    returned = app.test_client()

    def work(i):
        if i % 3 == 0:
            return gateways.wechat.notify_payment(number).status
        if i % 3 == 1:
            return returned.get(f"/o/{online_order.tracking_token}/pay/return").status_code
        order = Order.get_by_id(online_order.id)
        return record_payment(order, None, "wechat", Actor.of_user(staff), None).amount

    results = race(app, 6, work)

    assert all(outcome in ("ok", "NotPayable", "StaleOrder") for outcome, _ in results), results
    [payment] = payments(app, online_order)
    assert payment.amount == 2500
    assert order_now(app, online_order).payment_status == PaymentStatus.PAID
    with app.app_context():
        assert OrderEvent.select().where(OrderEvent.kind == "payment").count() == 1


def test_the_return_queries_the_provider_and_records(client, online_order, app, gateways):
    start(client, online_order, "wechat")
    number = the_checkout(app).out_trade_no
    gateways.wechat.pay(number)  # no notification reaches the shop

    response = client.get(f"/o/{online_order.tracking_token}/pay/return", headers=EN)

    assert response.status_code == 303
    [payment] = payments(app, online_order)
    assert payment.amount == 2500
    page = client.get(f"/o/{online_order.tracking_token}", headers=EN).get_data(as_text=True)
    assert "Payment: Paid" in page and "Pay online" not in page


def test_the_database_holds_one_row_per_transaction(app, online_order, client):
    start(client, online_order, "wechat")
    start(client, online_order, "alipay")
    with app.app_context():
        first, second = OnlinePayment.select().order_by(OnlinePayment.id)
        OnlinePayment.update(transaction_id="42x").where(OnlinePayment.id == first.id).execute()
        with pytest.raises(IntegrityError), db.atomic():
            OnlinePayment.update(transaction_id="42x").where(
                OnlinePayment.id == second.id
            ).execute()


# --- the payment window ---------------------------------------------------------------------


def test_expiry_closes_the_provider_order_cancels_and_a_late_notification_is_flagged(
    make_shop, gateways, notified_shop, app, client
):
    shop = make_shop(
        settings={**ONLINE_METHODS, "auto_cancel_minutes": 15, "auto_cancel_unpaid": True}
    )
    with app.app_context():
        order = order_for(shop["version"], [(shop["apples"], 2)])
    start(client, order, "wechat")
    number = the_checkout(app).out_trade_no

    with app.app_context():
        assert cancel_overdue_orders(utcnow() + timedelta(minutes=16)) == 1
        cancelled = Order.get_by_id(order.id)
        assert cancelled.status == OrderStatus.CANCELLED
        assert OnlinePayment.get().status == "closed"
        assert Stock.get(Stock.product == shop["apples"].id).reserved == 0  # given back
        told = OrderEvent.get(OrderEvent.order == order.id, OrderEvent.kind == "status")
        assert told.note == "Not paid within 15 minutes."  # and the customer is told so:
        assert Outbox.get_or_none(Outbox.delivery_key == f"notify.{told.id}.status_changed")
    assert gateways.wechat.orders[number].state == "CLOSED"

    gateways.wechat.pay(number)  # the payer's bank was late: paid anyway
    late = gateways.wechat.notify_payment(number)

    assert late.status == 204
    assert payments(app, order) == []
    with app.app_context():
        online = OnlinePayment.get()
        assert (online.status, online.problem) == ("flagged", "order_cancelled")
        assert OrderEvent.get(OrderEvent.kind == "payment_flagged")


def test_expiry_of_an_order_paid_meanwhile_records_it_instead(make_shop, gateways, app, client):
    shop = make_shop(
        settings={**ONLINE_METHODS, "auto_cancel_minutes": 15, "auto_cancel_unpaid": True}
    )
    with app.app_context():
        order = order_for(shop["version"], [(shop["apples"], 2)])
    start(client, order, "wechat")
    gateways.wechat.pay(the_checkout(app).out_trade_no)  # the notification is not here yet

    with app.app_context():
        assert cancel_overdue_orders(utcnow() + timedelta(minutes=16)) == 0
        assert Order.get_by_id(order.id).payment_status == PaymentStatus.PAID
    assert len(payments(app, order)) == 1


def test_the_window_is_sent_to_the_provider(make_shop, gateways, app, client):
    shop = make_shop(
        settings={**ONLINE_METHODS, "auto_cancel_minutes": 15, "auto_cancel_unpaid": True}
    )
    with app.app_context():
        order = order_for(shop["version"], [(shop["apples"], 2)])
    start(client, order, "wechat")
    online = the_checkout(app)
    assert online.expires_at == order_now(app, order).created_at + timedelta(minutes=15)
