"""The admin's forms of /admin/integrations: a new API token, a new webhook endpoint."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField, StringField
from wtforms.validators import URL, DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from models.api.tokens import SCOPES
from models.api.webhooks import EVENTS


def _checkboxes(label, options, message):
    return SelectMultipleField(
        label,
        [DataRequired(message)],
        choices=[SelectChoice(value, label) for value, label in options.items()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


class TokenForm(FlaskForm):
    name = StringField(
        _l("Integration"), [DataRequired(_l("Name the tool that will use it.")), Length(max=80)]
    )
    scopes = _checkboxes(_l("May"), SCOPES, _l("Choose at least one."))


class WebhookForm(FlaskForm):
    url = StringField(
        _l("Address"),
        [
            DataRequired(_l("Enter the address to send to.")),
            URL(require_tld=False),
            Length(max=500),
        ],
        render_kw={"inputmode": "url", "placeholder": "https://"},
    )
    events = _checkboxes(_l("Events"), EVENTS, _l("Choose at least one."))
