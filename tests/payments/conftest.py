"""A shop whose form offers paying by its WeChat Pay collection code, and an order on it; one
whose form offers paying online, against fake gateways."""

import secrets
from types import SimpleNamespace

import pytest

from models.payments.collection_codes import upload_collection_code
from tests.factories import order_for
from tests.fakes import certificate, private_pem, public_pem, rsa_key, serial_hex
from tests.fakes.alipay_gateway import FakeAlipay
from tests.fakes.wechatpay_gateway import FakeWeChatPay
from tests.helpers import make_user
from tests.payments.images import png

QR_METHODS = {"payment_methods": ["at_pickup", "collection_code"]}


@pytest.fixture
def qr_shop(make_shop, app):
    """50 apples at ¥12.50 on a form offering the shop's QR code; a WeChat Pay code uploaded."""
    shop = make_shop(settings=QR_METHODS)
    with app.app_context():
        shop["code"] = upload_collection_code("wechat", png(), make_user("admin"))
    return shop


@pytest.fixture
def qr_order(qr_shop, app):
    """Two kilos of apples (¥25.00), unpaid."""
    with app.app_context():
        return order_for(qr_shop["version"], [(qr_shop["apples"], 2)])


ONLINE_METHODS = {"payment_methods": ["wechat_pay", "alipay"]}
MCHID, WECHAT_APPID, ALIPAY_APPID = "1900000109", "wxd678efh567hg6787", "2021000117600001"
WECHAT_APP_SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"


@pytest.fixture(scope="session")
def gateway_keys():
    merchant, platform = rsa_key(), rsa_key()
    return {
        "merchant": merchant,
        "merchant_cert": certificate(merchant, "merchant"),
        "platform": platform,
        "platform_cert": certificate(platform, "Tenpay.com Root CA"),
        "apiv3": secrets.token_hex(16),
        "app": rsa_key(),
        "alipay": rsa_key(),
    }


@pytest.fixture
def gateways(app, gateway_keys, tmp_path):
    """Fake WeChat Pay and Alipay gateways on loopback, and the app configured for both; the
    notifications go to PUBLIC_URL (point it at a live server to receive them)."""
    keys = gateway_keys
    wechat = FakeWeChatPay(
        mchid=MCHID,
        appid=WECHAT_APPID,
        merchant_key=keys["merchant"],
        merchant_serial=serial_hex(keys["merchant_cert"]),
        apiv3_key=keys["apiv3"],
        platform_key=keys["platform"],
        platform_cert=keys["platform_cert"],
        app_secret=WECHAT_APP_SECRET,
    )
    alipay = FakeAlipay(appid=ALIPAY_APPID, app_key=keys["app"], alipay_key=keys["alipay"])
    app.config.update(
        WECHATPAY_MCHID=MCHID,
        WECHATPAY_APPID=WECHAT_APPID,
        WECHATPAY_PRIVATE_KEY=private_pem(keys["merchant"]),
        WECHATPAY_CERT_SERIAL_NO=serial_hex(keys["merchant_cert"]),
        WECHATPAY_APIV3_KEY=keys["apiv3"],
        WECHATPAY_CERT_DIR=str(tmp_path / "wechatpay-certs"),
        WECHATPAY_GATEWAY=wechat.url,
        WECHAT_APP_SECRET=WECHAT_APP_SECRET,
        WECHAT_OAUTH_URL=wechat.url,
        WECHAT_API_URL=wechat.url,
        ALIPAY_APPID=ALIPAY_APPID,
        ALIPAY_PRIVATE_KEY=private_pem(keys["app"]),
        ALIPAY_PUBLIC_KEY=public_pem(keys["alipay"]),
        ALIPAY_GATEWAY=alipay.url,
        PAYMENT_GATEWAY_TIMEOUT=2,
    )
    app.extensions.pop("payment_providers", None)
    yield SimpleNamespace(wechat=wechat, alipay=alipay)
    wechat.close()
    alipay.close()


@pytest.fixture
def online_shop(gateways, make_shop):
    """50 apples at ¥12.50 on a form offering WeChat Pay and Alipay online."""
    return make_shop(settings=ONLINE_METHODS)


@pytest.fixture
def online_order(online_shop, app):
    """Two kilos of apples (¥25.00), unpaid."""
    with app.app_context():
        return order_for(online_shop["version"], [(online_shop["apples"], 2)])


@pytest.fixture
def notified_shop(gateways, live_server, app):
    """Notifications reach the app: PUBLIC_URL is a live server's."""
    app.config["PUBLIC_URL"] = live_server.url
    app.extensions.pop("payment_providers", None)
    return live_server
