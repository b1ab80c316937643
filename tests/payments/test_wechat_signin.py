"""Paying inside WeChat (JSAPI) against the fake gateway: WeChat's sign-in gives the payer's
openid (a good code, a bad one, a tampered state), then the JSAPI order and the signed
parameters for WeixinJSBridge (their paySign is checked in test_providers_wechat.py)."""

import json
from urllib.parse import parse_qs, urlsplit

import requests

from models.payments.online import OnlinePayment
from models.payments.wechat_signin import signin_state
from tests.factories import order_for
from tests.fakes.wechatpay_gateway import PAYER_OPENID
from tests.helpers import EN
from tests.payments.conftest import WECHAT_APPID
from tests.payments.test_online import WECHAT_UA, start

IN_WECHAT = {**EN, "User-Agent": WECHAT_UA}


def sign_in(client, order) -> str:
    """Tap the WeChat Pay button inside WeChat: where WeChat's sign-in sends the browser back."""
    response = start(client, order, "wechat", WECHAT_UA)
    assert response.status_code == 303
    authorize = response.headers["Location"]
    assert authorize.endswith("#wechat_redirect")
    back = requests.get(authorize.removesuffix("#wechat_redirect"), allow_redirects=False)
    assert back.status_code == 302
    return back.headers["Location"]


def local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def checkouts(app) -> list[OnlinePayment]:
    with app.app_context():
        return list(OnlinePayment.select())


def test_the_button_inside_wechat_goes_to_the_silent_sign_in(client, online_order, gateways):
    response = start(client, online_order, "wechat", WECHAT_UA)

    url = urlsplit(response.headers["Location"])
    assert (
        f"{url.scheme}://{url.netloc}{url.path}"
        == f"{gateways.wechat.url}/connect/oauth2/authorize"
    )
    query = {key: value[0] for key, value in parse_qs(url.query).items()}
    assert query["appid"] == WECHAT_APPID
    assert query["response_type"] == "code" and query["scope"] == "snsapi_base"
    assert query["redirect_uri"].endswith(f"/o/{online_order.tracking_token}/pay/wechat/signed-in")
    assert query["state"] and url.fragment == "wechat_redirect"


def test_a_good_code_gives_the_openid_and_a_jsapi_order(client, online_order, app, gateways):
    back = sign_in(client, online_order)

    response = client.get(local(back), headers=IN_WECHAT)

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/o/{online_order.tracking_token}#pay-online")
    [online] = checkouts(app)
    assert (online.scene, online.checkout_kind) == ("wechat", "jsapi")
    made = gateways.wechat.orders[online.out_trade_no]
    assert (made.trade_type, made.openid) == ("JSAPI", PAYER_OPENID)
    params = json.loads(online.checkout_params)
    assert params["package"] == f"prepay_id={made.prepay_id}"
    html = client.get(f"/o/{online_order.tracking_token}", headers=IN_WECHAT).get_data(as_text=True)
    assert "data-wechat-pay=" in html and "25.00 in WeChat</button>" in html
    assert "not set up for this shop" not in html
    assert gateways.wechat.codes == {}  # the code was exchanged, once


def test_a_bad_code_says_so_and_falls_back_to_the_native_qr_code(client, online_order, app):
    back = sign_in(client, online_order)
    query = parse_qs(urlsplit(back).query)
    used = f"{urlsplit(back).path}?code=not-a-code&state={query['state'][0]}"

    response = client.get(used, headers=IN_WECHAT)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "WeChat did not confirm who is paying" in html
    assert "Scan with WeChat to pay" in html
    [online] = checkouts(app)
    assert (online.scene, online.checkout_kind) == ("desktop", "qr")


def test_a_tampered_or_foreign_state_is_refused(client, online_order, online_shop, app, gateways):
    back = sign_in(client, online_order)
    parts = urlsplit(back)
    query = {key: value[0] for key, value in parse_qs(parts.query).items()}
    with app.app_context():
        other = order_for(online_shop["version"], [(online_shop["apples"], 1)])
    with app.test_request_context():
        foreign = signin_state(other.tracking_token)  # signed by us, for another order
    tampered = query["state"][:-2] + ("AA" if not query["state"].endswith("AA") else "BB")

    for state in (tampered, foreign, ""):
        response = client.get(f"{parts.path}?code={query['code']}&state={state}", headers=IN_WECHAT)
        assert response.status_code == 403
        assert "This sign-in link is not for this order" in response.get_data(as_text=True)

    assert checkouts(app) == []
    assert list(gateways.wechat.codes) == [query["code"]]  # never exchanged
