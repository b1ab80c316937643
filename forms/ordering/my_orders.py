"""The two steps of opening "My orders": the phone number, then the code texted to it."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TelField
from wtforms.validators import DataRequired, Length, Regexp


class PhoneForm(FlaskForm):
    phone = TelField(
        _l("Phone number"),
        validators=[DataRequired(_l("Enter your phone number.")), Length(max=32)],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )


class CodeForm(FlaskForm):
    phone = HiddenField()
    code = StringField(
        _l("Code from the text message"),
        validators=[
            DataRequired(_l("Enter the code from the text message.")),
            Regexp(r"^\s*\d{6}\s*$", message=_l("The code has 6 digits.")),
        ],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True},
    )
