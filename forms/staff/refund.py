"""The order page's refund form: units of each line, or an amount in yuan; how the money goes
back, why, and whether the goods go back on the shelf."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from forms.designer.template import strip
from forms.designer.typed_fields import MoneyField
from forms.validators import whole_number_within
from models.orders.payments import MAX_NOTE_LENGTH, METHODS
from models.payments.refunds import TO_PROVIDER

LINE_PREFIX = "qty-"


class RefundForm(FlaskForm):
    amount = MoneyField(
        _l("Or an amount (yuan)"),
        validators=[Optional()],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    method = SelectField(_l("Refund by"))
    reason = StringField(
        _l("Reason (optional)"),
        filters=[strip],
        validators=[
            Length(
                max=MAX_NOTE_LENGTH,
                message=_l("Keep the reason under %(max)s characters.", max=MAX_NOTE_LENGTH),
            )
        ],
        render_kw={"maxlength": MAX_NOTE_LENGTH},
    )
    restock = BooleanField(_l("Put the refunded goods back in stock"))

    def line_fields(self):
        return [field for field in self if field.name.startswith(LINE_PREFIX)]

    def quantities(self) -> dict[int, int]:
        """Units wanted back by order line id (0 left out)."""
        return {
            int(field.name.removeprefix(LINE_PREFIX)): field.data
            for field in self.line_fields()
            if field.data
        }

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not valid:
            return False
        if self.quantities() and self.amount.data is not None:
            self.amount.errors.append(_l("Refund either some units or an amount, not both."))
            return False
        if not self.quantities() and self.amount.data is None:
            self.amount.errors.append(_l("Enter the units to refund, or an amount."))
            return False
        if self.amount.data is not None and self.amount.data <= 0:
            self.amount.errors.append(_l("Enter an amount greater than 0."))
            return False
        return True


def refund_form(lines, online: bool, formdata=None) -> RefundForm:
    """The form for an order's `lines`, offering "back the way it was paid" when `online`
    (a payment came through a provider); `formdata` None: empty."""

    class Form(RefundForm):
        pass

    for line in lines:
        field = IntegerField(
            line.name,
            validators=[
                Optional(),
                whole_number_within(0, line.quantity, _l("Enter 0 to %(max)s.", max=line.quantity)),
            ],
            default=0,
            render_kw={"inputmode": "numeric", "min": 0, "max": line.quantity},
        )
        setattr(Form, f"{LINE_PREFIX}{line.id}", field)
    form = Form(formdata=formdata)
    choices = [SelectChoice(TO_PROVIDER, _l("Back the way it was paid (online)"))] if online else []
    form.method.choices = choices + [
        SelectChoice(method, label) for method, label in METHODS.items()
    ]
    return form
