"""Development pages: what the log SMS backend would have texted (login codes included).

Registered only while texts go to the log and the app runs in debug mode, under test, or
with DEV_PAGES on (the default until SECRET_KEY is set); see `register`.
"""

from flask import Blueprint, current_app

from blueprints.rendering import render
from channels.sms import recent_messages

bp = Blueprint("dev", __name__, url_prefix="/dev")


def register(app) -> None:
    if app.config["SMS_BACKEND"] == "log" and (app.debug or app.testing or app.config["DEV_PAGES"]):
        app.register_blueprint(bp)


@bp.get("/sms")
def sms_log():
    messages = recent_messages(current_app.config["SMS_LOG_PATH"], limit=20)
    return render("dev/sms.html", "dev/_sms.html", messages=messages)
