"""Forms of the order detail page: a note or a record of talking to the customer."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, Length

from models.orders.notes import MAX_NOTE_LENGTH, NOTE_KINDS


class NoteForm(FlaskForm):
    kind = RadioField(
        _l("Kind"),
        choices=[SelectChoice(kind, label) for kind, label in NOTE_KINDS.items()],
        default="note",
        validators=[DataRequired(_l("Choose what kind of record this is."))],
    )
    body = TextAreaField(
        _l("Note"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            DataRequired(_l("Write the note first.")),
            Length(
                max=MAX_NOTE_LENGTH,
                message=_l("Keep the note under %(max)s characters.", max=MAX_NOTE_LENGTH),
            ),
        ],
        render_kw={"rows": 3, "maxlength": MAX_NOTE_LENGTH},
    )
