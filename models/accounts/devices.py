"""Device cookies: a browser that signed in to an account is known to it from then on.

After a successful sign-in the browser gets a cookie naming the email and a random key, signed
with the app's secret (itsdangerous): it cannot be made without the secret nor moved to another
email. A sign-in with such a cookie for the email typed counts its failures under the device's
key instead of the account's (models/accounts/sign_in.py). Each success gives a new key.
"""

import secrets

from itsdangerous import BadSignature, URLSafeSerializer

from models.accounts.user import normalize_email

COOKIE = "jl_device"
DAYS = 365
_SALT = "jielong sign-in device"
PREFIX = "device:"  # what a device key looks like where the attempts are counted


def device_key(cookie: str | None, email: str, secret: str) -> str | None:
    """The device's key when `cookie` is one this app signed for `email`, else None."""
    if not cookie:
        return None
    try:
        named, key = URLSafeSerializer(secret, salt=_SALT).loads(cookie)
    except (BadSignature, ValueError, TypeError):
        return None
    if named != normalize_email(email) or not isinstance(key, str):
        return None
    return PREFIX + key


def new_device_cookie(email: str, secret: str) -> str:
    """The cookie value for this browser, now known to `email`."""
    return URLSafeSerializer(secret, salt=_SALT).dumps(
        [normalize_email(email), secrets.token_urlsafe(16)]
    )
