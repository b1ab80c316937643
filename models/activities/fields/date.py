"""A date field, between an optional earliest and latest date."""

from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms.validators import Optional, ValidationError

from models.activities.fields import inputs
from models.activities.fields.base import FieldType, FormSpecError, common, presence, register
from models.activities.fields.editor import FieldEditor


def _iso_date(text) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        return None


class DateEditor(FieldEditor):
    min = DateField(_l("Earliest date"), [Optional()])
    max = DateField(_l("Latest date"), [Optional()])

    def initial(self, spec):
        return super().initial(spec) | {key: _iso_date(spec.get(key)) for key in ("min", "max")}

    def validate_max(self, field):
        if field.data and self.min.data and field.data < self.min.data:
            raise ValidationError(_l("Make this on or after the earliest date."))

    def own_values(self):
        return {
            key: self[key].data.isoformat() if self[key].data else None for key in ("min", "max")
        }


@register
class Date(FieldType):
    name, label, position = "date", _l("Date"), 80
    editor = DateEditor
    checked_on_blur = True

    def build(self, spec, products):
        try:
            low = date.fromisoformat(spec["min"]) if spec.get("min") else None
            high = date.fromisoformat(spec["max"]) if spec.get("max") else None
        except (TypeError, ValueError) as error:
            raise FormSpecError(f"{spec['name']}: min/max must be YYYY-MM-DD") from error
        render = {"min": low.isoformat()} if low else {}
        render |= {"max": high.isoformat()} if high else {}
        return inputs.IsoDateField(
            validators=[presence(spec), inputs.DateRange(low, high)],
            render_kw=render,
            **common(spec),
        )

    def form_data(self, value):
        return date.fromisoformat(value)

    def clean(self, field):
        return field.data.isoformat() if field.data else None

    def text(self, spec, value, names, *, iso_dates=False):
        return str(value) if iso_dates else format_date(date.fromisoformat(value), "medium")
