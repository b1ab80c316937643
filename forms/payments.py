"""The forms of the shop's own collection QR codes: the admin's upload, the customer's "I have
paid" (an optional screenshot) and staff's rejection of a claim."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, Length

from models.activities.fields.base import strip
from models.orders.payments import MAX_NOTE_LENGTH
from models.payments.collection_codes import KINDS
from models.uploads import read_upload

IMAGE_TYPES = "image/png,image/jpeg,image/gif,image/webp"


class CollectionCodeForm(FlaskForm):
    image = FileField(
        _l("QR code image"),
        [FileRequired(_l("Choose the image of the code."))],
        render_kw={"accept": IMAGE_TYPES},
        description=_l("A screenshot or photo of the code from your wallet app."),
    )

    def image_bytes(self) -> bytes:
        return read_upload(self.image.data)


class ClaimForm(FlaskForm):
    method = RadioField(_l("Paid with"), choices=[], default="wechat")
    screenshot = FileField(
        _l("Screenshot of the payment (optional)"),
        render_kw={"accept": IMAGE_TYPES},
        description=_l("It helps the shop find your payment."),
    )

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.method.choices = [SelectChoice(kind, KINDS[kind]) for kind in kinds]
        if self.method.data not in kinds and kinds:
            self.method.data = kinds[0]

    def screenshot_bytes(self) -> bytes | None:
        upload = self.screenshot.data
        return read_upload(upload) if upload and getattr(upload, "filename", "") else None


class RejectClaimForm(FlaskForm):
    reason = StringField(
        _l("Why not confirmed"),
        [
            DataRequired(_l("Say why the payment is not confirmed.")),
            Length(max=MAX_NOTE_LENGTH),
        ],
        filters=[strip],
        description=_l("The customer sees it, e.g. “No payment of this amount arrived”."),
    )
