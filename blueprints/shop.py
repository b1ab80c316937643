"""Public pages that belong to no customer: the landing page, the language switch, health."""

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.access import safe_next
from i18n import LOCALE_COOKIE, LOCALES
from models import db
from models.activities.activity import current_activities

bp = Blueprint("shop", __name__)

ONE_YEAR = 365 * 24 * 3600


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("board.index"))
    return render_template("shop/index.html", activities=current_activities())


@bp.get("/locale/<code>")
def switch_locale(code: str):
    """Remember the chosen language in a cookie and go back to the page the user was on."""
    response = redirect(safe_next(request.args.get("next"), url_for("shop.index")))
    if code in LOCALES:
        response.set_cookie(
            LOCALE_COOKIE,
            code,
            max_age=ONE_YEAR,
            samesite="Lax",
            httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


@bp.get("/healthz")
def health():
    db.execute_sql("SELECT 1")
    return {"status": "ok"}
