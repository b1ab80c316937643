"""The customer card's tag form (models/customers/tags.py checks duplicates)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from forms.designer.template import strip
from models.customers.tags import MAX_TAG_LENGTH


class TagForm(FlaskForm):
    tag = StringField(
        _l("New tag"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter a tag of at most 40 characters.")),
            Length(max=MAX_TAG_LENGTH, message=_l("Enter a tag of at most 40 characters.")),
        ],
        render_kw={"maxlength": MAX_TAG_LENGTH, "autocomplete": "off"},
    )
