"""The online payment providers behind one interface (base.Provider); a shop offers only the
ones whose credentials are configured (docs/payments-providers.md)."""

from models.payments.providers.alipay import AlipayProvider, AlipaySettings
from models.payments.providers.base import Provider
from models.payments.providers.wechat import WeChatPayProvider, WeChatSettings


def available_providers(config) -> dict[str, Provider]:
    """The configured providers by name ("wechat", "alipay"); empty for a shop with none."""
    found: dict[str, Provider] = {}
    if wechat := WeChatSettings.from_config(config):
        found[WeChatPayProvider.name] = WeChatPayProvider(wechat)
    if alipay := AlipaySettings.from_config(config):
        found[AlipayProvider.name] = AlipayProvider(alipay)
    return found


def app_providers(app) -> dict[str, Provider]:
    """The app's configured providers, made once per app (`app.extensions`; tests put theirs,
    pointed at the fake gateways, there)."""
    if "payment_providers" not in app.extensions:
        app.extensions["payment_providers"] = available_providers(app.config)
    return app.extensions["payment_providers"]
