"""The form staff fill in to enter an order for a customer (models/staff_entry/): the channel the
customer asked by, their name and phone, the pickup point (or delivery and the address), a
quantity per product, and the submission key that makes a second submit the same order."""

import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forms.ordering.contact import name_field, phone_field
from forms.validators import whole_number_within
from models.activities.fields.base import strip
from models.activities.fields.inputs import QuantityField
from models.orders.checkout import DELIVERY
from models.staff_entry.entry import CHANNELS

MAX_QUANTITY = 9999


class ChooseActivityForm(FlaskForm):
    """The activity to enter an order for (a GET form: no CSRF, nothing changes)."""

    class Meta:
        csrf = False

    activity = SelectField(_l("Activity"), validators=[DataRequired(_l("Choose the activity."))])


class EntryForm(FlaskForm):
    activity = HiddenField()
    key = HiddenField(validators=[Length(max=64)])  # the order's submission key, uuid4 hex
    channel = SelectField(
        _l("The customer asked by"),
        choices=[SelectChoice(value, label) for value, label in CHANNELS.items()],
        default="phone",
        validators=[DataRequired(_l("Choose how the customer asked."))],
    )
    phone = phone_field(_l("Enter the customer's phone number."), autocomplete="off")
    name = name_field(_l("Enter the customer's name."), autocomplete="off")
    fulfilment = SelectField(_l("Pickup point or delivery"), validators=[Optional()])
    address = TextAreaField(
        _l("Delivery address"),
        filters=[strip],
        validators=[Length(max=500, message=_l("At most %(max)s characters.", max=500))],
        render_kw={"rows": 2, "maxlength": 500},
    )

    def validate_address(self, field):
        if self.fulfilment.data == DELIVERY and not field.data:
            field.errors.append(_l("Enter the address to deliver to."))

    def quantity_fields(self):
        return [self[name] for name in self.product_fields]

    def quantity_groups(self):
        """(family or None, its quantity fields) in the order of the customer's form."""
        return [
            (group.family, [self[f"qty-{product.id}"] for product in group.products])
            for group in self.groups
        ]

    def quantities(self) -> dict[int, int]:
        return {int(name[4:]): self[name].data or 0 for name in self.product_fields}


def entry_form(activity_slug: str, groups: list, points: list, delivers: bool, formdata=None):
    """The entry form of one activity: a quantity box per product (`qty-<product id>`) in its
    `groups` (models/staff_entry/products.py; a variant's box labelled by its option, under its
    family's name), the activity's pickup points (and delivery when it delivers) to choose
    from."""

    class Form(EntryForm):
        pass

    names = []
    for product in (product for group in groups for product in group.products):
        name = f"qty-{product.id}"
        setattr(
            Form,
            name,
            QuantityField(
                product.option if product.family_id and product.option else product.name,
                validators=[
                    whole_number_within(
                        0,
                        MAX_QUANTITY,
                        _l("Enter a whole number from 0 to %(most)s.", most=MAX_QUANTITY),
                    )
                ],
            ),
        )
        names.append(name)
    Form.product_fields = names
    Form.groups = groups
    form = Form(formdata=formdata)
    form.fulfilment.choices = [(str(point.id), point.name) for point in points]
    if delivers:
        form.fulfilment.choices.append((DELIVERY, str(_l("Delivery to the address"))))
    if not form.fulfilment.choices:
        form.fulfilment.choices = [("", "—")]
    form.activity.data = form.activity.data or activity_slug
    if not form.key.data:
        form.key.data = uuid.uuid4().hex
    return form
