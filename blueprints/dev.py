"""Development pages: what the log SMS backend would have texted (login codes included) and the
emails the dev mail backend kept instead of sending them.

Only when DEV_PAGES is on (it is off unless set; `make run`'s demo sets it), and then only for
signed-in admins: every view of this blueprint is behind `blueprint_requires_role`. A page whose
backend is not the development one (SMS_BACKEND=webhook, MAIL_BACKEND=smtp) is not there (404).
"""

from flask import Blueprint, abort, current_app

from blueprints.access import blueprint_requires_role
from blueprints.rendering import render
from models.messaging.channels.dev_mail import recent_mails
from models.messaging.channels.sms import recent_messages

bp = Blueprint("dev", __name__, url_prefix="/dev")
blueprint_requires_role(bp, "admin")


def register(app) -> None:
    if app.config["DEV_PAGES"]:
        app.register_blueprint(bp)


def _only_with(setting: str, value: str) -> None:
    if current_app.config[setting] != value:
        abort(404)


@bp.get("/sms")
def sms_log():
    _only_with("SMS_BACKEND", "log")
    messages = recent_messages(current_app.config["SMS_LOG_PATH"], limit=20)
    return render("dev/sms.html", "dev/_sms.html", messages=messages)


@bp.get("/mail")
def mail_log():
    _only_with("MAIL_BACKEND", "dev")
    mails = recent_mails(current_app.config["MAIL_DEV_DIR"], limit=20)
    return render("dev/mail.html", "dev/_mail.html", mails=mails)
