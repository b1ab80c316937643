"""The `state` of WeChat's sign-in for paying an order inside WeChat: signed with the app's
secret key and bound to the order's tracking token, valid for a few minutes, so a sign-in
started for one order (or forged) cannot pay another (docs/payments.md, "Inside WeChat")."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

MAX_AGE_SECONDS = 600
SALT = "wechat-signin"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def signin_state(tracking_token: str) -> str:
    return _serializer().dumps(tracking_token)


def state_is_for(state: str, tracking_token: str) -> bool:
    """Whether `state` is one we signed, in time, for this order."""
    try:
        return _serializer().loads(state, max_age=MAX_AGE_SECONDS) == tracking_token
    except BadSignature:  # SignatureExpired is one
        return False
