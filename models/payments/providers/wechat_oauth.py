"""WeChat's web sign-in, silent scope (snsapi_base): the payer's openid, which JSAPI needs.
The customer's browser goes to `authorize_url`; WeChat sends it back to our redirect URI with
`code` and `state`; the code is exchanged for the openid at the sns API with the app secret."""

from urllib.parse import urlencode

import requests

from models.payments.providers.base import ProviderRefused, ProviderTimeout
from models.payments.providers.wechat import WeChatSettings


def authorize_url(settings: WeChatSettings, redirect_uri: str, state: str) -> str:
    query = urlencode(
        {
            "appid": settings.appid,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": "snsapi_base",
            "state": state,
        }
    )
    return f"{settings.oauth_url}/connect/oauth2/authorize?{query}#wechat_redirect"


def openid_for(settings: WeChatSettings, code: str) -> str:
    """The openid WeChat gives for `code`. ProviderRefused (errcode/errmsg: a bad or used
    code), ProviderTimeout (no answer)."""
    try:
        answer = requests.get(
            f"{settings.api_url}/sns/oauth2/access_token",
            params={
                "appid": settings.appid,
                "secret": settings.app_secret,
                "code": code,
                "grant_type": "authorization_code",
            },
            timeout=settings.timeout,
        )
        data = answer.json()
    except (requests.Timeout, requests.ConnectionError) as error:
        raise ProviderTimeout(f"wechat sign-in: no answer ({error})") from error
    except ValueError as error:
        raise ProviderRefused("wechat sign-in: not JSON") from error
    if data.get("errcode") or not data.get("openid"):
        raise ProviderRefused(
            f"wechat sign-in: {data.get('errmsg', 'no openid')}", str(data.get("errcode", ""))
        )
    return data["openid"]
