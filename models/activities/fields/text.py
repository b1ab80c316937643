"""Text fields: short and long text, address, phone number and email, with one editor."""

import re

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField, TelField, TextAreaField
from wtforms.validators import Length, ValidationError

from models.activities.fields import inputs
from models.activities.fields.base import (
    FieldType,
    FormSpecError,
    common,
    presence,
    register,
    strip,
)
from models.activities.fields.editor import FieldEditor, WholeField
from models.customers.customer import normalize_phone
from models.customers.phones import format_phone


class TextEditor(FieldEditor):
    default = StringField(_l("Prefilled answer"), filters=[strip])
    min_length = WholeField(_l("At least this many characters"))
    max_length = WholeField(_l("At most this many characters"))
    pattern = StringField(
        _l("Pattern"),
        filters=[strip],
        description=_l(r"A regular expression the whole answer must match, e.g. \d{4}."),
    )
    pattern_message = StringField(
        _l("Message when the pattern does not match"), [Length(max=200)], filters=[strip]
    )

    def validate_max_length(self, field):
        low = self.min_length.data
        if field.data is not None and low is not None and field.data < low:
            raise ValidationError(_l("Make this at least the minimum."))

    def validate_pattern(self, field):
        try:
            re.compile(field.data or "")
        except re.error as error:
            raise ValidationError(
                _l("This pattern is not valid: %(error)s", error=str(error))
            ) from error

    def own_values(self):
        return {
            "default": self.default.data,
            "min_length": self.min_length.data,
            "max_length": self.max_length.data,
            "pattern": self.pattern.data,
            "pattern_message": self.pattern_message.data if self.pattern.data else None,
        }


def text_field(spec, field_class, extra=(), **kwargs):
    """A text input with the spec's length limits and pattern."""
    validators = [presence(spec)]
    low, high = spec.get("min_length"), spec.get("max_length")
    render = {}
    if low is not None or high is not None:
        validators.append(inputs.TextLength(low, high))
        render |= {"minlength": low} if low is not None else {}
        render |= {"maxlength": high} if high is not None else {}
    if spec.get("pattern"):
        try:
            validators.append(inputs.FullMatch(spec["pattern"], spec.get("pattern_message")))
        except re.error as error:
            raise FormSpecError(f"{spec['name']}: bad pattern: {error}") from error
    return field_class(
        validators=validators + list(extra),
        filters=[strip],
        render_kw=render | kwargs.pop("render_kw", {}),
        **common(spec),
        **kwargs,
    )


class TextType(FieldType):
    editor = TextEditor
    checked_on_blur = True
    field_class = StringField

    def build(self, spec, products):
        return text_field(spec, self.field_class)


@register
class ShortText(TextType):
    name, label, position = "short_text", _l("Short text"), 10
    condition = "answer"


@register
class LongText(TextType):
    name, label, position = "long_text", _l("Long text"), 20
    field_class = TextAreaField


@register
class Address(TextType):
    name, label, position = "address", _l("Address"), 100
    field_class = TextAreaField


@register
class Phone(TextType):
    name, label, position = "phone", _l("Phone number"), 40

    def build(self, spec, products):
        render = {"inputmode": "tel", "autocomplete": "tel"}
        return text_field(spec, TelField, [inputs.Phone()], render_kw=render)

    def clean(self, field):
        if not field.data:
            return ""
        return getattr(field, "e164", None) or normalize_phone(field.data)

    def text(self, spec, value, names, *, iso_dates=False):
        return format_phone(str(value))


@register
class Email(TextType):
    name, label, position = "email", _l("Email"), 50

    def build(self, spec, products):
        return text_field(
            spec, EmailField, [inputs.EmailAddress()], render_kw={"autocomplete": "email"}
        )
