"""The phone and name fields a person is known by: the customer's own (waiting list) and the
ones staff type for a customer (order entry) differ only in their wording and autocomplete."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from models.activities.fields.base import strip
from models.activities.fields.inputs import Phone

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
