"""What every field editor of the designer shares: label, help, required, "show only when",
and the number inputs that keep what was typed. Each type's own editor subclasses
FieldEditor in its module; forms/designer/field_editor.py makes it a FlaskForm.
"""

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Form, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import NumberInput

from models.activities.fields.base import FIELD_TYPES, strip
from models.activities.fields.inputs import NUMBER, ParsedTextField, plain

CONTACT = ("name", "phone")


class WholeField(ParsedTextField):
    widget = NumberInput(min=0, step=1)

    def parse(self, text):
        if not re.fullmatch(r"\d{1,6}", text):
            raise ValueError(_l("Enter a whole number."))
        return int(text)


class DecimalField(ParsedTextField):
    def parse(self, text):
        if not NUMBER.fullmatch(text):
            raise ValueError(_l("Enter a number."))
        return Decimal(text)


def json_number(value: Decimal | None):
    """Decimal -> int when whole, else its exact text; JSON never holds a float here."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else plain(value)


def lines_of(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class FieldEditor(Form):
    """What every field has: label, help text, required, and "show only when"."""

    label = StringField(
        _l("Label"), [DataRequired(_l("Enter a label.")), Length(max=200)], filters=[strip]
    )
    help = TextAreaField(
        _l("Help text"), [Length(max=1000)], filters=[strip], render_kw={"rows": 2}
    )
    required = BooleanField(_l("Required"))
    show_when_field = SelectField(_l("Show only when"), validate_choice=False)
    show_when_value = StringField(
        _l("…has this answer"),
        filters=[strip],
        description=_l("For a checkbox: shown when it is ticked."),
    )

    def __init__(self, spec: dict, fields: list[dict], **kwargs):
        self.spec = spec
        self.others = {
            f["name"]: f
            for f in fields
            if f["name"] != spec["name"] and _condition(f) in ("answer", "ticked")
        }
        super().__init__(data=self.initial(spec), **kwargs)
        if "show_when_field" in self:
            self.show_when_field.choices = [SelectChoice("", _l("Always shown"))] + [
                SelectChoice(name, f.get("label") or name) for name, f in self.others.items()
            ]
        if spec["name"] in CONTACT:
            for name in ("required", "show_when_field", "show_when_value"):
                del self[name]

    def initial(self, spec: dict) -> dict:
        condition = spec.get("show_when") or {}
        equals = condition.get("equals")
        return {
            **spec,
            "show_when_field": condition.get("field", ""),
            "show_when_value": "" if equals is True or equals is None else str(equals),
        }

    def validate_show_when_field(self, field):
        if field.data and field.data not in self.others:
            raise ValidationError(_l("Choose one of the other fields."))

    def validate_show_when_value(self, field):
        other = self.others.get(self.show_when_field.data)
        if other is None or _condition(other) == "ticked":
            return
        if not field.data:
            raise ValidationError(_l("Enter the answer that shows this field."))
        allowed = allowed_answers(other)
        if allowed is not None and field.data not in allowed:
            raise ValidationError(_l("Enter one of: %(choices)s", choices=", ".join(allowed)))

    def _condition(self):
        if "show_when_field" not in self or not self.show_when_field.data:
            return None
        other = self.others[self.show_when_field.data]
        equals = True if _condition(other) == "ticked" else self.show_when_value.data
        return {"field": self.show_when_field.data, "equals": equals}

    def values(self) -> dict:
        """The field's new spec (without name and type); unset keys are left out."""
        values = {
            "label": self.label.data,
            "help": self.help.data or None,
            "required": self.required.data if "required" in self else None,
            "show_when": self._condition(),
            **self.own_values(),
        }
        return {key: value for key, value in values.items() if value not in (None, "", [])}

    def own_values(self) -> dict:
        return {}


def _condition(spec: dict) -> str:
    kind = FIELD_TYPES.get(spec.get("type"))
    return kind.condition if kind else ""


def allowed_answers(spec: dict) -> list[str] | None:
    return FIELD_TYPES[spec["type"]].choices(spec)
