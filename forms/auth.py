"""Sign-in form."""

from flask import current_app
from flask_babel import format_timedelta, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(_l("Enter your email.")), Length(max=254)],
        render_kw={"autocomplete": "username", "inputmode": "email"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        duration = current_app.config["REMEMBER_COOKIE_DURATION"]  # e.g. "30 days", "30天"
        self.remember.label.text = gettext(
            "Keep me signed in on this device for %(duration)s",
            duration=format_timedelta(duration, granularity="day", threshold=5),
        )
