"""Development pages: what the log SMS backend would have texted (login codes included).

Only when DEV_PAGES is on (it is off unless set; `make run`'s demo sets it), and then only for
signed-in admins: every view of this blueprint is behind `blueprint_requires_role`. See
`register`.
"""

from flask import Blueprint, current_app

from blueprints.access import blueprint_requires_role
from blueprints.rendering import render
from models.messaging.channels.sms import recent_messages

bp = Blueprint("dev", __name__, url_prefix="/dev")
blueprint_requires_role(bp, "admin")


def register(app) -> None:
    if app.config["DEV_PAGES"] and app.config["SMS_BACKEND"] == "log":
        app.register_blueprint(bp)


@bp.get("/sms")
def sms_log():
    messages = recent_messages(current_app.config["SMS_LOG_PATH"], limit=20)
    return render("dev/sms.html", "dev/_sms.html", messages=messages)
