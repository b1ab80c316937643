"""The staff inbox: in-app messages for the signed-in account, and the unread badge."""

from flask import Blueprint, g, redirect, url_for
from flask_login import current_user

from blueprints.access import role_required
from blueprints.params import form_number
from blueprints.rendering import render
from models.messaging.deliveries import inbox_of, mark_read, unread_count

bp = Blueprint("inbox", __name__, url_prefix="/inbox")

PAGE, MESSAGES = "inbox/index.html", "inbox/_messages.html"


@bp.app_context_processor
def unread_badge():
    """`inbox_unread()` for the staff navigation; a query only where the badge is drawn."""

    def inbox_unread() -> int:
        if g.get("database_busy") or not current_user.is_authenticated:
            return 0  # (the busy page waits on the database no more)
        return unread_count(current_user)

    return {"inbox_unread": inbox_unread}


@bp.get("")
@role_required("staff")
def index():
    return render(PAGE, MESSAGES, messages=inbox_of(current_user))


@bp.post("/read")
@role_required("staff")
def read():
    """Mark what the page showed read (up to message `up_to`); newer ones stay unread."""
    mark_read(current_user, form_number("up_to", 0))
    return redirect(url_for(".index"), code=303)
