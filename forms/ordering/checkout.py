"""The part of the ordering page that is not designed per template: how the customer gets the
goods (a pickup point or delivery to an address), a coupon code, and the submission key that makes a second
tap, a refresh or a resubmitted form land on the same order."""

import re
import uuid

from flask_babel import lazy_gettext as _l
from wtforms import Form, HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from models.activities.pickup import PickupPoint
from models.orders.checkout import DELIVERY
from models.promotions.pricing import CODE_MAX

PREFIX = "checkout-"
KEY = re.compile(r"[0-9A-Za-z_-]{1,64}")  # a submission key a page may send (ours: 32 hex)
APPLY_COUPON = "apply-coupon"  # the coupon's Apply button: show the total again, place nothing


class CheckoutForm(Form):
    """No CSRF of its own: it is submitted with the order form, which carries the token."""

    key = HiddenField()
    method = RadioField(_l("How you get your order"), validate_choice=False)
    address = TextAreaField(
        _l("Delivery address"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[Length(max=300)],
        render_kw={"autocomplete": "street-address", "rows": 2},
    )
    coupon = StringField(
        _l("Coupon code (optional)"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[Length(max=CODE_MAX)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "maxlength": CODE_MAX},
    )

    def validate_method(self, field):
        if self.offers_choice and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choose a pickup point or delivery."))

    def validate_address(self, field):
        if self.method.data == DELIVERY and not field.data:
            raise ValidationError(_l("Enter the delivery address."))

    @property
    def offers_choice(self) -> bool:
        return bool(self.method.choices)

    @property
    def delivered(self) -> bool:
        return self.method.data == DELIVERY


def radio_buttons(field: RadioField) -> list[tuple[list[tuple[str, object]], object, object]]:
    """A radio field's buttons as (attributes, named and ordered as the WTForms widget writes
    them, label, value), for a template to write the tags: the ordering page shows every
    pickup point and delivery window on every view, where a WTForms field and widget call per
    button cost ~1 ms a page (issue 22). True stands alone; None is left out."""
    buttons = []
    for i, choice in enumerate(field.iter_choices()):
        attributes = [
            ("checked", True if choice.selected else None),
            ("id", f"{field.id}-{i}"),
            ("name", field.name),
            ("type", "radio"),
            ("value", "" if choice.value is None else choice.value),
        ]
        buttons.append(
            ([(k, v) for k, v in attributes if v is not None], choice.label, choice.value)
        )
    return buttons


def build_checkout_form(
    points: list[PickupPoint], delivery_enabled: bool, formdata=None
) -> CheckoutForm:
    """Choices are the activity's pickup points and, when enabled, delivery; with one choice
    only, it is chosen already. A new form gets a fresh submission key."""
    form = CheckoutForm(formdata=formdata, prefix=PREFIX)
    choices = [(str(p.id), p.name) for p in points]
    if delivery_enabled:
        choices.append((DELIVERY, _l("Delivery to my address")))
    form.method.choices = choices
    if len(choices) == 1 and not form.method.data:
        form.method.data = choices[0][0]
    if not KEY.fullmatch(form.key.data or ""):  # none yet, or not one a page sends
        form.key.data = uuid.uuid4().hex
    return form
