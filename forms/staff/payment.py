"""The order detail page's payment form: an amount in yuan, how it was paid, a note."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length, StopValidation

from forms.designer.template import strip
from forms.designer.typed_fields import MoneyField
from models.orders.payments import MAX_NOTE_LENGTH, METHODS


def _positive(form, field):
    if field.process_errors:  # not an amount at all: that error says enough
        raise StopValidation()
    if field.data is None:
        raise StopValidation(_l("Enter the amount."))
    if field.data <= 0:
        raise StopValidation(_l("Enter an amount greater than 0."))


class PaymentForm(FlaskForm):
    amount = MoneyField(
        _l("Amount (yuan)"),
        validators=[_positive],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    method = SelectField(
        _l("Paid by"),
        choices=[SelectChoice(method, label) for method, label in METHODS.items()],
        default="wechat",
    )
    note = StringField(
        _l("Note (optional)"),
        filters=[strip],
        validators=[
            Length(
                max=MAX_NOTE_LENGTH,
                message=_l("Keep the note under %(max)s characters.", max=MAX_NOTE_LENGTH),
            )
        ],
        render_kw={"maxlength": MAX_NOTE_LENGTH},
    )
