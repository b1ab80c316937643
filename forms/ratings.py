"""The customer's rating of an order (models/ratings/giving.py) and staff's reply
(models/ratings/replying.py)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from forms.payments import IMAGE_TYPES
from models.activities.fields.base import strip
from models.aftersales.requests import MAX_PHOTOS
from models.ratings.giving import MAX_COMMENT
from models.ratings.replying import MAX_REPLY
from models.uploads import read_upload

STAR_WORDS = {
    5: _l("5 – Excellent"),
    4: _l("4 – Good"),
    3: _l("3 – All right"),
    2: _l("2 – Poor"),
    1: _l("1 – Bad"),
}
PRODUCT_PREFIX = "product-"


def _stars(label, required: bool) -> RadioField:
    check = InputRequired(_l("Choose 1 to 5 stars.")) if required else Optional()
    return RadioField(
        label,
        [check],
        choices=[SelectChoice(value, words) for value, words in STAR_WORDS.items()],
        coerce=int,
    )


class RatingForm(FlaskForm):
    stars = _stars(_l("How was this order?"), required=True)
    comment = TextAreaField(_l("Your words (optional)"), [Length(max=MAX_COMMENT)], filters=[strip])
    photos = MultipleFileField(
        _l("Photos (optional, up to %(count)s)", count=MAX_PHOTOS),
        render_kw={"accept": IMAGE_TYPES, "multiple": True},
    )

    def product_fields(self) -> list:
        return [field for field in self if field.name.startswith(PRODUCT_PREFIX)]

    def product_stars(self) -> dict[int, int]:
        """Order line id → stars, for the products rated."""
        return {
            int(field.name.removeprefix(PRODUCT_PREFIX)): field.data
            for field in self.product_fields()
            if field.data
        }

    def photo_bytes(self) -> list[bytes]:
        return [
            read_upload(upload) for upload in self.photos.data or [] if upload and upload.filename
        ]


def build_rating_form(lines) -> RatingForm:
    """The rating form with optional stars for each product line (`rated_products`)."""

    class Form(RatingForm):
        pass

    for line in lines:
        setattr(Form, f"{PRODUCT_PREFIX}{line.id}", _stars(line.name, required=False))
    return Form()


class ReplyForm(FlaskForm):
    reply = TextAreaField(
        _l("Reply to the customer"),
        [DataRequired(_l("Write a reply.")), Length(max=MAX_REPLY)],
        filters=[strip],
    )


def reply_form(rating_id: int, blank: bool = False) -> ReplyForm:
    """The reply form of one rating (its own prefix: one page holds many)."""
    if blank:
        return ReplyForm(formdata=None, prefix=f"rating-{rating_id}")
    return ReplyForm(prefix=f"rating-{rating_id}")
