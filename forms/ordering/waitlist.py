"""The waiting list's forms: joining a product's line (phone first, name, product, how many),
and taking an offer (the pickup point, when the activity has several)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.validators import InputRequired, Optional

from forms.ordering.contact import name_field, phone_field
from forms.validators import whole_number_within
from models.waitlist.entry import MAX_QUANTITY


class JoinForm(FlaskForm):
    phone = phone_field(_l("Enter your phone number."))
    name = name_field(_l("Enter your name."))
    product = SelectField(
        _l("Product"), coerce=int, validators=[InputRequired(_l("Choose the product."))]
    )
    quantity = IntegerField(
        _l("How many"),
        default=1,
        validators=[
            InputRequired(_l("Enter how many you want.")),
            whole_number_within(
                1, MAX_QUANTITY, _l("Enter a whole number from 1 to %(most)s.", most=MAX_QUANTITY)
            ),
        ],
        render_kw={"inputmode": "numeric", "min": 1, "max": MAX_QUANTITY},
    )


def join_form(products, formdata=None, chosen: int | None = None) -> JoinForm:
    form = JoinForm(formdata=formdata)
    form.product.choices = [(p.id, p.name) for p in products]
    if formdata is None and chosen is not None:
        form.product.data = chosen
    return form


class TakeOfferForm(FlaskForm):
    fulfilment = SelectField(_l("Pickup point"), validators=[Optional()])


def take_offer_form(points, formdata=None) -> TakeOfferForm:
    form = TakeOfferForm(formdata=formdata)
    form.fulfilment.choices = [(str(p.id), p.name) for p in points] or [("", "—")]
    return form
