"""Staff's steps on an after-sales case (models/aftersales/lifecycle.py)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, TextAreaField
from wtforms.validators import Length

from models.activities.fields.base import strip
from models.orders.payments import MAX_NOTE_LENGTH, METHODS
from models.payments.refunds import TO_PROVIDER


class CaseStepForm(FlaskForm):
    note = TextAreaField(
        _l("Word to the customer"),
        [Length(max=MAX_NOTE_LENGTH)],
        filters=[strip],
        description=_l("Shown on the tracking page; required to reject."),
    )


class CaseRefundForm(FlaskForm):
    method = SelectField(
        _l("Refund by"),
        choices=[
            SelectChoice(TO_PROVIDER, _l("Back the way it was paid (online)")),
            *(SelectChoice(key, label) for key, label in METHODS.items()),
        ],
        default="cash",
    )
