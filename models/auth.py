"""Checking a sign-in."""

from models.base import utcnow
from models.user import User, spend_password_check


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, with their last sign-in recorded; else None.

    An unknown email costs the same hashing time as a wrong password, so response times do
    not tell which emails have accounts.
    """
    user = User.by_email(email)
    if user is None:
        spend_password_check(password)
        return None
    if not user.active or not user.check_password(password):
        return None
    User.update(last_login_at=utcnow()).where(User.id == user.id).execute()
    return user
