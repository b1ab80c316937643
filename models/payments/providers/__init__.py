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
