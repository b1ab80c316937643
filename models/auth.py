"""Checking a sign-in."""

from models.base import utcnow
from models.user import User


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, with their last sign-in recorded; else None."""
    user = User.by_email(email)
    if user is None or not user.active or not user.check_password(password):
        return None
    User.update(last_login_at=utcnow()).where(User.id == user.id).execute()
    return user
