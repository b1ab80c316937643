"""Paying online in a real browser on a phone (390×844) against the fake gateways: WeChat Pay H5
(the page turns paid by itself within 3 s of the notification), JSAPI inside WeChat (a stand-in
WeixinJSBridge), and Alipay wap pay (back through
the return URL, which asks Alipay). Paying by the shop's collection code is
test_claims_browser.py."""

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from models.payments.online import OnlinePayment
from tests.fakes import signed
from tests.fakes.wechatpay_gateway import PAYER_OPENID
from tests.helpers import assert_fits_the_screen, screenshot
from tests.payments.conftest import WECHAT_APPID

pytestmark = pytest.mark.browser

H5_PAGE = "https://wx.tenpay.com/**"
# A phone's browser says so in its user agent (the phone viewport alone does not change it).
PHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)


def the_checkout(app) -> OnlinePayment:
    with app.app_context():
        return OnlinePayment.get()


def test_pay_by_wechat_h5_and_the_page_turns_paid_within_3_seconds(
    new_page, online_order, app, gateways, notified_shop
):
    customer = new_page("phone", user_agent=PHONE_UA)
    opened = []

    def wechat_h5_page(route):  # WeChat's H5 page, which hands over to the WeChat app
        opened.append(route.request.url)
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body="<h1>微信支付</h1>")

    customer.route(H5_PAGE, wechat_h5_page)
    tracking = f"/o/{online_order.tracking_token}"
    customer.goto(tracking)
    step = customer.locator("#pay-online")
    assert "25.00" in step.inner_text()
    assert_fits_the_screen(customer)
    screenshot(customer, "pay-online-phone.png")

    step.get_by_role("button", name="Pay by WeChat Pay").click()
    customer.get_by_text("微信支付").wait_for()
    [h5] = opened
    back = parse_qs(urlsplit(h5).query)["redirect_url"][0]
    assert back.endswith(f"{tracking}/pay/return")

    customer.goto(tracking)  # the customer comes back while WeChat is still busy
    customer.get_by_role("link", name="Continue paying by WeChat Pay").wait_for()
    number = the_checkout(app).out_trade_no
    gateways.wechat.pay(number)
    sent_at = time.monotonic()
    assert gateways.wechat.notify_payment(number).status == 204
    customer.get_by_text("Payment: Paid").wait_for(timeout=3_000)
    assert time.monotonic() - sent_at < 3
    assert customer.locator("#pay-online").count() == 0
    assert "The shop received your payment." in customer.locator("#order-live").inner_text()


def test_pay_by_alipay_wap_and_come_back_paid(new_page, online_order, app, gateways):
    customer = new_page("phone", user_agent=PHONE_UA)
    customer.goto(f"/o/{online_order.tracking_token}")

    customer.locator("#pay-online").get_by_role("button", name="Pay by Alipay").click()
    customer.get_by_text("支付宝收银台").wait_for()  # the fake's cashier
    assert "¥25.00" in customer.content()
    assert "alipay.trade.wap.pay" in customer.url.replace("%2E", ".")

    online = the_checkout(app)
    gateways.alipay.pay(online.out_trade_no)
    back = gateways.alipay.trades[online.out_trade_no].return_url
    customer.goto(back)  # Alipay sends the browser back; no notification has come

    customer.wait_for_url(re.compile(rf"/o/{online_order.tracking_token}$"))
    customer.get_by_text("Payment: Paid").wait_for()
    assert_fits_the_screen(customer)


WECHAT_UA = PHONE_UA + " MicroMessenger/8.0.40(0x18002831) NetType/WIFI Language/zh_CN"
# WeChat's own bridge, stood in for: it keeps what the page asked for and answers "ok".
STUB_BRIDGE = """
window.paidWith = [];
window.WeixinJSBridge = {
  invoke(name, params, callback) {
    window.paidWith.push({name, params});
    setTimeout(() => callback({err_msg: "get_brand_wcpay_request:ok"}), 50);
  },
};
"""


def test_pay_inside_wechat_by_jsapi_and_the_page_turns_paid_within_3_seconds(
    new_page, online_order, app, gateways, notified_shop, gateway_keys
):
    customer = new_page("phone", user_agent=WECHAT_UA)
    customer.add_init_script(STUB_BRIDGE)
    customer.goto(f"/o/{online_order.tracking_token}")

    # through WeChat's sign-in (the fake's) and back, to WeChat's payment sheet
    customer.locator("#pay-online").get_by_role("button", name="Pay by WeChat Pay").click()
    pay = customer.get_by_role("button", name=re.compile(r"25\.00 in WeChat"))
    pay.click()
    customer.get_by_text("Waiting for WeChat Pay to confirm").wait_for()
    assert_fits_the_screen(customer)

    [asked] = customer.evaluate("window.paidWith")
    online = the_checkout(app)
    made = gateways.wechat.orders[online.out_trade_no]
    params = asked["params"]
    assert asked["name"] == "getBrandWCPayRequest"
    assert (params["appId"], params["package"], params["signType"]) == (
        WECHAT_APPID,
        f"prepay_id={made.prepay_id}",
        "RSA",
    )
    signed_text = (
        f"{WECHAT_APPID}\n{params['timeStamp']}\n{params['nonceStr']}\n{params['package']}\n"
    )
    assert signed(gateway_keys["merchant"].public_key(), signed_text, params["paySign"])
    assert made.openid == PAYER_OPENID
    assert "Payment: Paid" not in customer.content()  # the bridge's word records nothing

    gateways.wechat.pay(online.out_trade_no)
    sent_at = time.monotonic()
    assert gateways.wechat.notify_payment(online.out_trade_no).status == 204
    customer.get_by_text("Payment: Paid").wait_for(timeout=3_000)
    assert time.monotonic() - sent_at < 3
