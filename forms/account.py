"""Forms of the Users page: add an account, edit one, set a new password for one; and the
form where a signed-in person changes their own password.

A password follows the rule of models/accounts/user.py (`check_new_password`), the same one
`flask user create` applies. Password inputs are never filled back in after an error.
"""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, Length, StopValidation

from forms.designer.template import strip
from models.accounts.user import MIN_PASSWORD_LENGTH, WeakPassword, check_new_password
from models.activities.fields.inputs import EmailAddress

ROLE_CHOICES = [
    SelectChoice("staff", _l("Staff")),
    SelectChoice("admin", _l("Admin")),
    SelectChoice("leader", _l("Group leader (团长)")),
    SelectChoice("courier", _l("Courier")),
]


def _new_password(form, field):
    try:
        check_new_password(field.data)
    except WeakPassword as error:
        raise StopValidation(str(error)) from error


def _name():
    return StringField(
        lazy_pgettext("person", "Name"),
        [DataRequired(lazy_pgettext("person", "Enter a name.")), Length(max=100)],
        filters=[strip],
        description=_l("Shown on the board, in order timelines and to customers in messages."),
    )


def _role():
    return RadioField(
        _l("Role"),
        choices=ROLE_CHOICES,
        default="staff",
        description=_l(
            "Staff work the orders; admins also manage forms, rules and accounts; group "
            "leaders see only the orders of their pickup points and share links; couriers "
            "only see their own delivery runs."
        ),
    )


class NewPasswordMixin:
    password = PasswordField(
        _l("Password"),
        [DataRequired(_l("Enter a password.")), _new_password],
        description=_l("At least %(count)s characters.", count=MIN_PASSWORD_LENGTH),
        render_kw={"autocomplete": "new-password", "minlength": MIN_PASSWORD_LENGTH},
    )
    confirm = PasswordField(
        _l("Password again"),
        [
            DataRequired(_l("Type the password again.")),
            EqualTo("password", _l("The two passwords differ.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class NewAccountForm(NewPasswordMixin, FlaskForm):
    email = EmailField(
        _l("Email"),
        [DataRequired(_l("Enter their email address.")), EmailAddress()],
        filters=[strip],
        description=_l("They sign in with it."),
        render_kw={"autocomplete": "off", "inputmode": "email"},
    )
    name = _name()
    role = _role()


class AccountForm(FlaskForm):
    name = _name()
    role = _role()
    active = BooleanField(
        _l("Active"),
        description=_l(
            "An inactive account can't sign in and is signed out at once. Its orders keep its name."
        ),
    )


class PasswordResetForm(NewPasswordMixin, FlaskForm):
    pass


class OwnPasswordForm(NewPasswordMixin, FlaskForm):
    """A signed-in person replaces their own password (/account/password)."""

    current = PasswordField(
        _l("Current password"),
        [DataRequired(_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.password.label.text = _l("New password")
        self.confirm.label.text = _l("New password again")
