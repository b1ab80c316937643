"""A message to a segment or a customer: its channel and text; the hidden send key makes a
second submit of the same form send nothing more (models/segments/messages.py)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, TextAreaField
from wtforms.validators import DataRequired, Length

from forms.designer.template import strip
from models.segments.messages import CHANNEL_CHOICES, MAX_TEXT


class MessageForm(FlaskForm):
    channel = RadioField(
        _l("Channel"),
        choices=list(CHANNEL_CHOICES),
        default="sms",
        validators=[DataRequired(_l("Choose a channel."))],
    )
    text = TextAreaField(
        _l("Message"),
        filters=[strip],
        description=_l("{name} becomes the customer's name. An opt-out link is added at the end."),
        validators=[
            DataRequired(_l("Write the message (at most 500 characters).")),
            Length(max=MAX_TEXT, message=_l("Write the message (at most 500 characters).")),
        ],
        render_kw={"maxlength": MAX_TEXT, "rows": 4},
    )
    send_key = HiddenField()


class ConsentForm(FlaskForm):
    agreed = BooleanField(_l("The customer agreed to receive marketing messages"))
