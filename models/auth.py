"""Checking a sign-in."""

from models.base import utcnow
from models.sign_in_throttle import Limit, forget_failures, take_turn
from models.user import User, normalize_email, spend_password_check


def authenticate(
    email: str, password: str, address: str, per_account: Limit, per_address: Limit
) -> User | None:
    """The active user with these credentials, with their last sign-in recorded; else None.

    Each try first takes a turn of the sign-in limits (models/sign_in_throttle.py), which
    raises SignInThrottled when the account or the address is out of tries. An unknown email
    costs the same hashing time as a wrong password, so response times do not tell which
    emails have accounts.
    """
    email = normalize_email(email)
    take_turn(email, address, per_account, per_address)
    user = User.by_email(email)
    if user is None:
        spend_password_check(password)
        return None
    if not user.active or not user.check_password(password):
        return None
    forget_failures(email)
    User.update(last_login_at=utcnow()).where(User.id == user.id).execute()
    return user
