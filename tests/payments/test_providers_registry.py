"""Which online providers a shop offers: only those whose credentials are configured."""

import base64
from decimal import Decimal

import pytest

from config import from_environment
from models.payments.providers import available_providers
from models.payments.providers.base import Charge
from tests.fakes import private_pem, public_pem, rsa_key

KEY = rsa_key()
WECHAT = {
    "WECHATPAY_MCHID": "1900000109",
    "WECHATPAY_APPID": "wxd678efh567hg6787",
    "WECHATPAY_PRIVATE_KEY": private_pem(KEY),
    "WECHATPAY_CERT_SERIAL_NO": "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
    "WECHATPAY_APIV3_KEY": "0123456789abcdef0123456789abcdef",
}
ALIPAY = {
    "ALIPAY_APPID": "2021000117600001",
    "ALIPAY_PRIVATE_KEY": private_pem(KEY),
    "ALIPAY_PUBLIC_KEY": public_pem(KEY),
}
BASE = {"PUBLIC_URL": "https://shop.example/"}


def test_a_shop_without_credentials_offers_no_online_method():
    assert available_providers(BASE) == {}
    assert available_providers(BASE | WECHAT | {"WECHATPAY_APIV3_KEY": ""}) == {}
    assert available_providers(BASE | ALIPAY | {"ALIPAY_PUBLIC_KEY": ""}) == {}


def test_each_configured_provider_is_offered_with_its_notify_url():
    assert list(available_providers(BASE | WECHAT)) == ["wechat"]
    both = available_providers(BASE | WECHAT | ALIPAY)
    assert list(both) == ["wechat", "alipay"]
    assert both["wechat"].settings.notify_url == "https://shop.example/pay/notify/wechat"
    assert both["alipay"].settings.notify_url == "https://shop.example/pay/notify/alipay"
    assert both["wechat"].settings.gateway == "https://api.mch.weixin.qq.com"
    assert both["alipay"].settings.gateway == "https://openapi.alipay.com/gateway.do"


def test_alipay_takes_its_keys_as_bare_base64_too():
    """Alipay's key tool gives the keys without PEM lines."""

    def bare(pem: str) -> str:
        return "".join(line for line in pem.splitlines() if not line.startswith("-----"))

    keys = {"ALIPAY_PRIVATE_KEY": bare(ALIPAY["ALIPAY_PRIVATE_KEY"])}
    keys["ALIPAY_PUBLIC_KEY"] = bare(ALIPAY["ALIPAY_PUBLIC_KEY"])
    assert base64.b64decode(keys["ALIPAY_PUBLIC_KEY"])
    assert "alipay" in available_providers(BASE | ALIPAY | keys)


def test_keys_are_read_from_the_environment_or_from_files(monkeypatch, tmp_path):
    key_file = tmp_path / "apiclient_key.pem"
    key_file.write_text(WECHAT["WECHATPAY_PRIVATE_KEY"])
    monkeypatch.setenv("WECHATPAY_PRIVATE_KEY_PATH", str(key_file))
    monkeypatch.setenv("ALIPAY_PRIVATE_KEY", "inline")
    monkeypatch.setenv("WECHATPAY_GATEWAY", "http://127.0.0.1:8999")
    config = from_environment(tmp_path)
    assert config["WECHATPAY_PRIVATE_KEY"] == WECHAT["WECHATPAY_PRIVATE_KEY"]
    assert config["ALIPAY_PRIVATE_KEY"] == "inline"
    assert config["ALIPAY_PUBLIC_KEY"] == ""
    assert config["WECHATPAY_GATEWAY"] == "http://127.0.0.1:8999"
    assert config["PAYMENT_GATEWAY_TIMEOUT"] == 10


@pytest.mark.parametrize("amount", [0, -100, 12.5, Decimal("12.50"), "1250", True])
def test_a_charge_is_a_positive_whole_number_of_fen(amount):
    with pytest.raises(ValueError, match="fen"):
        Charge("JL-1", amount, "x")
