"""The phone and name fields a person is known by: the customer's own (waiting list) and the
ones staff type for a customer (order entry) differ only in their wording and autocomplete;
and the order form's contact fields filled in for a returning customer."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from models.activities.fields.base import strip
from models.activities.fields.inputs import Phone
from models.customers.phones import format_phone

PHONE_MAX, NAME_MAX = 40, 100


def phone_field(missing, autocomplete: str = "tel") -> StringField:
    return StringField(
        _l("Phone number"),
        filters=[strip],
        validators=[
            DataRequired(missing),
            Length(max=PHONE_MAX, message=_l("At most %(max)s characters.", max=PHONE_MAX)),
            Phone(),
        ],
        render_kw={"autocomplete": autocomplete, "inputmode": "tel", "maxlength": PHONE_MAX},
    )


def name_field(missing, autocomplete: str = "name") -> StringField:
    return StringField(
        _l("Name"),
        filters=[strip],
        validators=[
            DataRequired(missing),
            Length(max=NAME_MAX, message=_l("At most %(max)s characters.", max=NAME_MAX)),
        ],
        render_kw={"autocomplete": autocomplete, "maxlength": NAME_MAX},
    )


def prefill(form, checkout, remembered) -> None:
    """A new order form filled in for the device's returning customer (models/privacy/
    remembered.py): the contact fields `name` and `phone` where the form has them (named in
    `form.prefilled`), and their pickup point where it is still offered."""
    if "name" in form:
        form["name"].data = remembered.name
    if "phone" in form:
        form["phone"].data = format_phone(remembered.phone)
    form.prefilled = frozenset(name for name in ("name", "phone") if name in form)
    point = str(remembered.point_id)
    if remembered.point_id and point in {value for value, _label in checkout.method.choices}:
        checkout.method.data = point
