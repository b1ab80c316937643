"""Who may open which page. Every staff and admin view is wrapped in `role_required`, or its
whole blueprint in `blueprint_requires_role`; and where a redirect may go (`safe_next`)."""

import re
from functools import wraps
from urllib.parse import unquote, urlsplit

from flask import Blueprint, abort, current_app
from flask_login import current_user, login_required

SIGNED_IN = "signed_in"  # any account, whatever its role: its own password page


def role_required(role: str):
    """Anonymous users go to the login page; signed-in users without `role` get 403
    (SIGNED_IN: every signed-in account passes)."""

    def decorate(view):
        @wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if role != SIGNED_IN and not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        guarded.required_role = role
        return guarded

    return decorate


def blueprint_requires_role(bp: Blueprint, role: str, staff_setting: str | None = None) -> None:
    """`role_required(role)` for every view of `bp`, present and future, checked before each
    request to it; `bp.required_role` says so (tests/house/test_access.py reads it). With the
    setting `staff_setting` on, staff may open it too."""

    @bp.before_request
    def guard():
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        enough = "staff" if staff_setting and current_app.config[staff_setting] else role
        if not current_user.has_role(enough):
            abort(403)
        return None

    bp.required_role = role


# What a browser removes from a URL before parsing it (WHATWG URL standard): ASCII tab and
# newlines anywhere, C0 controls and spaces at either end.
_REMOVED_ANYWHERE = re.compile(r"[\t\n\r]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))


def safe_next(target: str | None, fallback: str) -> str:
    """`target` if a browser would read it as a path on this site, else `fallback`; never an
    open redirect, whatever tabs, newlines, backslashes or percent-encoding it hides."""
    if not target:
        return fallback
    path = _REMOVED_ANYWHERE.sub("", target).strip(_C0_AND_SPACE)
    decoded = path
    for _ in range(3):  # what a server or proxy that decodes it again would see
        if not _a_local_path(decoded):
            return fallback
        decoded = unquote(decoded)
    return path


def _a_local_path(path: str) -> bool:
    if _CONTROL.search(path) or "\\" in path:  # browsers read "\" as "/" in http(s) URLs
        return False
    if not path.startswith("/") or path.startswith("//"):
        return False
    parts = urlsplit(path)
    return not parts.scheme and not parts.netloc
