"""Sign in and sign out for staff and admins, and a signed-in person's own password.

Signing in starts a new session (nothing of the anonymous one carries over). Signing out, a
new password and deactivation end every session and "keep me signed in" cookie of the account,
in every browser (models/accounts/user.py). Failed sign-ins are throttled per account (per
device for a browser that signed in before) and per address across every worker
(models/accounts/sign_in.py, models/accounts/devices.py).
"""

import math

from flask import Blueprint, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from blueprints.access import SIGNED_IN, role_required, safe_next
from blueprints.rendering import go, render
from forms.account import OwnPasswordForm
from forms.auth import LoginForm
from models.accounts import devices
from models.accounts.admin import WrongPassword, change_own_password
from models.accounts.devices import device_key, new_device_cookie
from models.accounts.sign_in import Limit, SignInThrottled, authenticate
from models.accounts.user import COURIER, LEADER, User, WeakPassword, end_sessions
from models.base import utcnow

bp = Blueprint("auth", __name__)

PAGE, FORM = "auth/login.html", "auth/_login_form.html"
PASSWORD_PAGE, PASSWORD_FORM = "auth/password.html", "auth/_password_form.html"


def _limits() -> tuple[Limit, Limit]:
    config = current_app.config
    return Limit.parse(config["LOGIN_ATTEMPTS"]), Limit.parse(config["LOGIN_ADDRESS_ATTEMPTS"])


def home_for(user) -> str:
    """Where a signed-in account starts: a group leader on their own page, a courier on their
    runs, others on the board."""
    if user.role == LEADER:
        return url_for("leader.index")
    if user.role == COURIER:
        return url_for("courier.today")
    return url_for("board.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), home_for(current_user)))
    form = LoginForm()
    if not form.validate_on_submit():
        return render(PAGE, FORM, status=422 if request.method == "POST" else 200, form=form)
    secret = current_app.secret_key
    device = device_key(request.cookies.get(devices.COOKIE), form.email.data, secret)
    try:
        user = authenticate(
            form.email.data, form.password.data, request.remote_addr or "", *_limits(), device
        )
    except SignInThrottled as error:
        form.form_errors.append(str(error))
        page, status = render(PAGE, FORM, 429, form=form)
        wait = max(1, math.ceil((error.until - utcnow()).total_seconds()))
        return page, status, {"Retry-After": str(wait)}
    if user is None:
        form.form_errors.append(_("That email and password do not match an active account."))
        return render(PAGE, FORM, status=422, form=form)
    _new_session()
    login_user(user, remember=form.remember.data)
    target = safe_next(request.args.get("next"), home_for(user))
    response = go(target, 302)
    response.set_cookie(
        devices.COOKIE,
        new_device_cookie(user.email, secret),
        max_age=devices.DAYS * 86400,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        end_sessions(current_user)
    _new_session()
    logout_user()  # also deletes this browser's remember cookie
    flash(_("You are signed out, on this device and on every other."))
    return redirect(url_for("auth.login"))


def _new_session() -> None:
    """Nothing of the session so far carries over (a value planted in it, its CSRF token); nor
    the CSRF token Flask-WTF keeps for the rest of the app context."""
    session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


def stay_signed_in(user: User) -> None:
    """After the account's sessions ended by its own hand (a new password): sign this browser
    in again, keeping "keep me signed in" if it had it; every other browser stays signed out."""
    remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    login_user(user, remember=remember_cookie in request.cookies)


@bp.route("/account/password", methods=["GET", "POST"])
@role_required(SIGNED_IN)  # staff, admins, group leaders and couriers: their own password
def password():
    form = OwnPasswordForm()
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render(PASSWORD_PAGE, PASSWORD_FORM, status, form=form)
    try:
        me = current_user._get_current_object()
        user = change_own_password(me, form.current.data, form.password.data)
    except WrongPassword as error:
        form.current.errors.append(str(error))
    except WeakPassword as error:
        form.password.errors.append(str(error))
    else:
        stay_signed_in(user)
        flash(_("Your password is changed. Every other device you used is signed out."))
        return go(home_for(current_user))
    return render(PASSWORD_PAGE, PASSWORD_FORM, 422, form=form)
