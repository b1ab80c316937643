"""Sign in and sign out for staff and admins."""

from flask import Blueprint, current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from htmx_flask import make_response

from blueprints.access import safe_next
from blueprints.rendering import render
from extensions import limiter
from forms.auth import LoginForm
from models.auth import authenticate

bp = Blueprint("auth", __name__)

PAGE, FORM = "auth/login.html", "auth/_login_form.html"


def _attempt_key() -> str:
    """Throttle per browser address and account, so one attacker cannot lock others out."""
    email = (request.form.get("email") or "").strip().lower()
    return f"{request.remote_addr}|{email}"


def _too_many_attempts(limit):
    form = LoginForm()
    form.form_errors.append(
        _("Too many failed sign-in attempts. Wait a few minutes and try again.")
    )
    return make_response(*render(PAGE, FORM, status=429, form=form))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_ATTEMPTS"],
    key_func=_attempt_key,
    methods=["POST"],
    deduct_when=lambda response: response.status_code == 422,
    on_breach=_too_many_attempts,
)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), url_for("board.index")))
    form = LoginForm()
    if not form.validate_on_submit():
        return render(PAGE, FORM, status=422 if request.method == "POST" else 200, form=form)
    user = authenticate(form.email.data, form.password.data)
    if user is None:
        form.form_errors.append(_("That email and password do not match an active account."))
        return render(PAGE, FORM, status=422, form=form)
    login_user(user, remember=form.remember.data)
    target = safe_next(request.args.get("next"), url_for("board.index"))
    if request.htmx:
        return make_response("", 200, redirect=target)
    return redirect(target)


@bp.post("/logout")
def logout():
    logout_user()
    return redirect(url_for("auth.login"))
