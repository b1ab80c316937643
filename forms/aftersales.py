"""The customer's after-sales request (models/aftersales/requests.py)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import IntegerField, RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from forms.payments import IMAGE_TYPES
from forms.validators import whole_number_within
from models.activities.fields.base import strip
from models.aftersales.case import KIND_LABELS
from models.aftersales.requests import MAX_DETAILS, MAX_PHOTOS, PREFERENCES
from models.aftersales.talk import MAX_TEXT
from models.uploads import read_upload


class CaseRequestForm(FlaskForm):
    kind = RadioField(
        _l("What would you like?"),
        [InputRequired(_l("Choose what you would like."))],
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
    )
    quantity = IntegerField(
        _l("How many"),
        [InputRequired(_l("Enter how many.")), whole_number_within(1, None, _l("At least 1."))],
        render_kw={"inputmode": "numeric", "min": 1},
    )
    reason = SelectField(_l("Reason"), [InputRequired(_l("Choose a reason."))], choices=[])
    details = TextAreaField(
        _l("Tell the shop more (optional)"), [Length(max=MAX_DETAILS)], filters=[strip]
    )
    photos = MultipleFileField(
        _l("Photos (optional, up to %(count)s)", count=MAX_PHOTOS),
        render_kw={"accept": IMAGE_TYPES, "multiple": True},
    )
    exchange_for = SelectField(
        _l("For an exchange: what you would like instead"),
        choices=[],
        default="",
    )
    preferred = RadioField(
        _l("You would prefer"),
        choices=[SelectChoice(value, label) for value, label in PREFERENCES.items()],
        default="",
    )

    def __init__(self, *args, reasons=(), most: int = 1, swaps=(), **kwargs):
        """`swaps`: (product id, name) a line may be exchanged for besides itself."""
        super().__init__(*args, **kwargs)
        self.reason.choices = [SelectChoice(reason, reason) for reason in reasons]
        self.exchange_for.choices = [SelectChoice("", _l("The same again"))] + [
            SelectChoice(str(pid), name) for pid, name in swaps
        ]
        self.quantity.render_kw = {**self.quantity.render_kw, "max": most}
        if self.quantity.data is None and not self.is_submitted():
            self.quantity.data = most

    def replacement(self) -> int | None:
        """The product id chosen to exchange for (None: the same product)."""
        return int(self.exchange_for.data) if self.exchange_for.data else None

    def photo_bytes(self) -> list[bytes]:
        return [
            read_upload(upload) for upload in self.photos.data or [] if upload and upload.filename
        ]


class CaseReplyForm(FlaskForm):
    """The customer writing to the shop about a case (models/aftersales/talk.py)."""

    message = TextAreaField(
        _l("Your message"),
        [DataRequired(_l("Write something first.")), Length(max=MAX_TEXT)],
        filters=[strip],
    )
