"""Fields and validators for customer order forms built by forms/ordering/order_form.py.

Every input keeps the text the customer typed (`_value()` returns the raw input), so a
re-rendered form shows what was submitted. No float anywhere: numbers are Decimal,
quantities int. Every message is a short, translatable English source string.
"""

import re
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import Field, Form
from wtforms.utils import unset_value
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, DateInput, NumberInput, TextInput

from models.customers.phones import InvalidPhone, normalize_phone

NUMBER = re.compile(r"[+-]?\d{1,12}(\.\d{1,6})?")
WHOLE = re.compile(r"[+-]?\d{1,9}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def plain(value) -> str:
    """Decimal('1E+1') -> '10', Decimal('2.50') -> '2.5': numbers as people write them."""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return str(value)


def decimal_or_none(value) -> Decimal | None:
    """A spec value (JSON int, str, or float) as an exact Decimal, via its text."""
    return None if value is None or value == "" else Decimal(str(value))


def is_blank(value) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or value is False or value == [] or value == {}


class ParsedTextField(Field):
    """A text input parsed by `parse`; blank is None (or `blank`), bad input a process error."""

    widget = TextInput()
    blank = None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else self.format(self.data)

    def format(self, value) -> str:
        return plain(value)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = (valuelist[0] or "").strip()
        self.data = self.blank
        if text:
            self.data = self.parse(text)

    def parse(self, text):
        raise NotImplementedError


class NumberField(ParsedTextField):
    widget = NumberInput()

    def parse(self, text):
        if not NUMBER.fullmatch(text):
            raise ValueError(_l("Enter a number."))
        return Decimal(text)


class QuantityField(ParsedTextField):
    """How many of one product; blank means 0, and 0 shows as a blank box."""

    widget = NumberInput(min=0, step=1)
    blank = 0

    def format(self, value) -> str:
        return str(value) if value else ""

    def parse(self, text):
        if not WHOLE.fullmatch(text):
            raise ValueError(_l("Enter a whole number."))
        return int(text)


class OneOrNoneField(QuantityField):
    """A product taken once or not at all (a per-order limit of 1): a tick box, 1 when
    ticked; a submitted form without it means 0."""

    widget = CheckboxInput()

    def _value(self) -> str:
        return "1"

    def process_formdata(self, valuelist):
        self.data = 1 if valuelist and (valuelist[0] or "").strip() not in ("", "0") else 0


class IsoDateField(ParsedTextField):
    widget = DateInput()

    def format(self, value) -> str:
        return value.isoformat()

    def parse(self, text):
        try:
            if ISO_DATE.fullmatch(text):
                return date.fromisoformat(text)
        except ValueError:
            pass
        raise ValueError(_l("Enter a date as YYYY-MM-DD."))


def _no_input(field, **kwargs):
    return Markup("")


class HeadingField(Field):
    """A section title: label and description only; reads no input, never fails."""

    widget = staticmethod(_no_input)

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        self.raw_data = []
        self.object_data = None
        self.data = None

    def validate(self, form, extra_validators=()):
        self.errors = []
        return True

    def populate_obj(self, obj, name):
        pass


class ProductQuantities(Form):
    """The per-product quantity inputs of one `products` field (subclassed per field)."""

    required = False

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and self.required and not any((f.data or 0) > 0 for f in self):
            self.form_errors.append(_l("Choose at least one item."))
            ok = False
        return ok

    def quantities(self) -> dict[int, int]:
        """{product_id: quantity} for every quantity above zero."""
        return {int(name): f.data for name, f in self._fields.items() if (f.data or 0) > 0}


# Validators ---------------------------------------------------------------------------


class Presence:
    """First in every chain: stops after a parse error; enforces or waives `required`."""

    def __init__(self, required: bool, message=None):
        self.required = required
        self.message = message or _l("This field is required.")
        self.field_flags = {"required": True} if required else {"optional": True}

    def __call__(self, form, field):
        if field.process_errors:
            raise StopValidation()
        if is_blank(field.data):
            if self.required:
                raise StopValidation(self.message)
            raise StopValidation()


def bounds_message(min, max, *, between, at_least, at_most):
    """The message that names the bounds that are set (lazy strings, so unused ones cost nothing)."""
    if min is not None and max is not None:
        return between
    return at_least if min is not None else at_most


class TextLength:
    def __init__(self, min=None, max=None):
        self.min, self.max = min, max
        self.message = bounds_message(
            min,
            max,
            between=_l("Enter between %(min)s and %(max)s characters.", min=min, max=max),
            at_least=_l("Enter at least %(min)s characters.", min=min),
            at_most=_l("Enter at most %(max)s characters.", max=max),
        )

    def __call__(self, form, field):
        size = len(field.data or "")
        if (self.min is not None and size < self.min) or (self.max is not None and size > self.max):
            raise ValidationError(self.message)


class FullMatch:
    def __init__(self, pattern: str, message=None):
        self.regex = re.compile(pattern)
        self.message = message or _l("Enter a value in the expected format.")

    def __call__(self, form, field):
        if not self.regex.fullmatch(field.data or ""):
            raise ValidationError(self.message)


class EmailAddress:
    def __call__(self, form, field):
        if len(field.data) > 254 or not EMAIL.fullmatch(field.data):
            raise ValidationError(_l("Enter a valid email address."))


class Phone:
    """Valid in the shop's region (or with +country code); leaves E.164 on `field.e164`."""

    def __call__(self, form, field):
        try:
            field.e164 = normalize_phone(field.data)
        except InvalidPhone as error:
            raise ValidationError(_l("Enter a valid phone number.")) from error


class Range:
    """min <= value <= max for Decimal or int data; either bound may be None."""

    def __init__(self, min=None, max=None):
        self.min, self.max = min, max
        low, high = plain(min), plain(max)
        self.message = bounds_message(
            min,
            max,
            between=_l("Enter a number between %(min)s and %(max)s.", min=low, max=high),
            at_least=_l("Enter a number of at least %(min)s.", min=low),
            at_most=_l("Enter a number no greater than %(max)s.", max=high),
        )

    def __call__(self, form, field):
        value = field.data
        if (self.min is not None and value < self.min) or (
            self.max is not None and value > self.max
        ):
            raise StopValidation(self.message)


class Step:
    """(value - base) is a whole multiple of step."""

    def __init__(self, step: Decimal, base: Decimal | None):
        self.step, self.base = step, base or Decimal(0)
        if step == 1 and self.base == self.base.to_integral_value():
            self.message = _l("Enter a whole number.")
        else:
            self.message = _l("Enter a number in steps of %(step)s.", step=plain(step))

    def __call__(self, form, field):
        if (field.data - self.base) % self.step != 0:
            raise ValidationError(self.message)


class Listed:
    """The value (or every value of a list) is one of `allowed`."""

    def __init__(self, allowed, message):
        self.allowed, self.message = set(allowed), message

    def __call__(self, form, field):
        values = field.data if isinstance(field.data, list) else [field.data]
        if any(value not in self.allowed for value in values):
            raise StopValidation(self.message)


class SelectionCount:
    def __init__(self, min=None, max=None):
        self.min, self.max = min, max

    def __call__(self, form, field):
        count = len(set(field.data))
        if self.min is not None and count < self.min:
            raise ValidationError(_l("Choose at least %(min)s options.", min=self.min))
        if self.max is not None and count > self.max:
            raise ValidationError(_l("Choose at most %(max)s options.", max=self.max))


class DateRange:
    def __init__(self, min: date | None, max: date | None):
        self.min, self.max = min, max

    def __call__(self, form, field):
        value = field.data
        if self.min and value < self.min:
            raise ValidationError(
                _l("Choose a date on or after %(min)s.", min=self.min.isoformat())
            )
        if self.max and value > self.max:
            raise ValidationError(
                _l("Choose a date on or before %(max)s.", max=self.max.isoformat())
            )
