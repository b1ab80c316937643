"""The order detail page's form that removes a payment recorded by mistake: why it goes."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from forms.designer.template import strip
from models.orders.payments import MAX_NOTE_LENGTH


class PaymentRemovalForm(FlaskForm):
    reason = StringField(
        _l("Reason"),
        filters=[strip],
        validators=[
            DataRequired(_l("Say why the payment is removed.")),
            Length(
                max=MAX_NOTE_LENGTH,
                message=_l("Keep the reason under %(max)s characters.", max=MAX_NOTE_LENGTH),
            ),
        ],
        render_kw={"maxlength": MAX_NOTE_LENGTH, "autocomplete": "off"},
    )
