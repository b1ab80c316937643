"""Who may open which page. Every staff and admin view is wrapped in `role_required`."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def role_required(role: str):
    """Anonymous users go to the login page; signed-in users without `role` get 403."""

    def decorate(view):
        @wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        guarded.required_role = role
        return guarded

    return decorate


def safe_next(target: str | None, fallback: str) -> str:
    """`target` if it is a path on this site, else `fallback`; never an open redirect, and
    never a control character (a newline cannot go into the Location header)."""
    if not target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return fallback
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return fallback
