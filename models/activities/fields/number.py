"""A number field: whole or decimal, within optional bounds and steps; never a float."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from models.activities.fields import inputs
from models.activities.fields.base import FieldType, FormSpecError, common, presence, register
from models.activities.fields.editor import DecimalField, FieldEditor, json_number


class NumberEditor(FieldEditor):
    default = DecimalField(_l("Prefilled answer"))
    min = DecimalField(_l("Smallest allowed"))
    max = DecimalField(_l("Largest allowed"))
    step = DecimalField(_l("Step"), description=_l("Empty: whole numbers."))

    def initial(self, spec):
        return super().initial(spec) | {
            key: Decimal(str(spec[key]))
            for key in ("default", "min", "max", "step")
            if spec.get(key) is not None
        }

    def validate_max(self, field):
        if field.data is not None and self.min.data is not None and field.data < self.min.data:
            raise ValidationError(_l("Make this at least the smallest allowed."))

    def validate_step(self, field):
        if field.data is not None and field.data <= 0:
            raise ValidationError(_l("Enter a step above 0."))

    def own_values(self):
        return {key: json_number(self[key].data) for key in ("default", "min", "max", "step")}


@register
class Number(FieldType):
    name, label, position = "number", _l("Number"), 30
    editor = NumberEditor
    checked_on_blur = True
    condition = "answer"

    def build(self, spec, products):
        low = inputs.decimal_or_none(spec.get("min"))
        high = inputs.decimal_or_none(spec.get("max"))
        step = inputs.decimal_or_none(spec.get("step")) or Decimal(1)
        if step <= 0:
            raise FormSpecError(f"{spec['name']}: step must be positive")
        validators = [presence(spec)]
        if low is not None or high is not None:
            validators.append(inputs.Range(low, high))
        validators.append(inputs.Step(step, low))
        render = {"step": inputs.plain(step), "inputmode": "decimal" if step % 1 else "numeric"}
        render |= {"min": inputs.plain(low)} if low is not None else {}
        render |= {"max": inputs.plain(high)} if high is not None else {}
        return inputs.NumberField(validators=validators, render_kw=render, **common(spec))

    def form_data(self, value):
        return Decimal(str(value))

    def clean(self, field):
        value = field.data
        if value is None:
            return None
        return int(value) if value == value.to_integral_value() else inputs.plain(value)
