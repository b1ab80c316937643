"""One builder per field type: spec dict -> unbound WTForms field (see forms/ordering/order_form.py)."""

import re
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    FormField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget

from forms.ordering import fields as of

QUANTITY_CAP = 999  # when a products entry has no `limit`


class FormSpecError(ValueError):
    """The template's field list cannot be turned into a form (a designer bug)."""


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _common(spec: dict) -> dict:
    return {
        "label": spec.get("label") or spec["name"],
        "description": spec.get("help") or "",
        "default": spec.get("default"),
    }


def _presence(spec: dict, message=None):
    return of.Presence(bool(spec.get("required")), message)


def _text(spec, field_class, extra=(), **kwargs):
    validators = [_presence(spec)]
    low, high = spec.get("min_length"), spec.get("max_length")
    render = {}
    if low is not None or high is not None:
        validators.append(of.TextLength(low, high))
        render |= {"minlength": low} if low is not None else {}
        render |= {"maxlength": high} if high is not None else {}
    if spec.get("pattern"):
        try:
            validators.append(of.FullMatch(spec["pattern"], spec.get("pattern_message")))
        except re.error as error:
            raise FormSpecError(f"{spec['name']}: bad pattern: {error}") from error
    return field_class(
        validators=validators + list(extra),
        filters=[_strip],
        render_kw=render | kwargs.pop("render_kw", {}),
        **_common(spec),
        **kwargs,
    )


def _short_text(spec, products):
    return _text(spec, StringField)


def _long_text(spec, products):
    return _text(spec, TextAreaField)


def _phone(spec, products):
    return _text(
        spec, TelField, [of.Phone()], render_kw={"inputmode": "tel", "autocomplete": "tel"}
    )


def _email(spec, products):
    return _text(spec, EmailField, [of.EmailAddress()], render_kw={"autocomplete": "email"})


def _number(spec, products):
    low, high = of.decimal_or_none(spec.get("min")), of.decimal_or_none(spec.get("max"))
    step = of.decimal_or_none(spec.get("step")) or Decimal(1)
    if step <= 0:
        raise FormSpecError(f"{spec['name']}: step must be positive")
    validators = [_presence(spec)]
    if low is not None or high is not None:
        validators.append(of.Range(low, high))
    validators.append(of.Step(step, low))
    render = {"step": of.plain(step), "inputmode": "decimal" if step % 1 else "numeric"}
    render |= {"min": of.plain(low)} if low is not None else {}
    render |= {"max": of.plain(high)} if high is not None else {}
    return of.NumberField(validators=validators, render_kw=render, **_common(spec))


def _options(spec) -> list[str]:
    options = [str(option) for option in spec.get("options") or []]
    if not options:
        raise FormSpecError(f"{spec['name']}: a choice needs options")
    return options


def _choice(spec, products):
    options = _options(spec)
    validators = [_presence(spec), of.Listed(options, _l("Choose one of the listed options."))]
    if spec.get("widget") == "select":
        choices = [SelectChoice("", _l("Choose…")), *(SelectChoice(o) for o in options)]
        return SelectField(
            choices=choices, validate_choice=False, validators=validators, **_common(spec)
        )
    return RadioField(
        choices=[SelectChoice(o) for o in options],
        validate_choice=False,
        validators=validators,
        **_common(spec),
    )


def _multi_choice(spec, products):
    options = _options(spec)
    validators = [
        _presence(spec),
        of.Listed(options, _l("Choose only from the listed options.")),
        of.SelectionCount(spec.get("min_selected"), spec.get("max_selected")),
    ]
    common = _common(spec) | {"default": spec.get("default") or []}
    return SelectMultipleField(
        choices=[SelectChoice(o) for o in options],
        validate_choice=False,
        validators=validators,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        **common,
    )


def _date(spec, products):
    try:
        low = date.fromisoformat(spec["min"]) if spec.get("min") else None
        high = date.fromisoformat(spec["max"]) if spec.get("max") else None
    except (TypeError, ValueError) as error:
        raise FormSpecError(f"{spec['name']}: min/max must be YYYY-MM-DD") from error
    render = {"min": low.isoformat()} if low else {}
    render |= {"max": high.isoformat()} if high else {}
    return of.IsoDateField(
        validators=[_presence(spec), of.DateRange(low, high)], render_kw=render, **_common(spec)
    )


def _time_slot(spec, products):
    slots = spec.get("slots") or []
    if not slots:
        raise FormSpecError(f"{spec['name']}: a time slot field needs slots")
    choices = [SelectChoice(str(s["id"]), s.get("label") or str(s["id"])) for s in slots]
    validators = [
        _presence(spec, _l("Choose a time slot.")),
        of.Listed([c.value for c in choices], _l("Choose one of the listed time slots.")),
    ]
    return RadioField(
        choices=choices, validate_choice=False, validators=validators, **_common(spec)
    )


def _products(spec, products):
    entries = {}
    for entry in spec.get("products") or []:
        product = products.get(int(entry["product_id"]))
        if product is None or not product.active:
            continue
        entries[str(product.id)] = quantity_field(product.name, entry.get("limit"))
    quantities = type(
        f"ProductQuantities_{spec['name']}",
        (of.ProductQuantities,),
        {"required": bool(spec.get("required")), **entries},
    )
    common = _common(spec)
    common.pop("default")
    return FormField(quantities, separator="-", **common)


def quantity_field(label: str, limit=None, default: int = 0) -> of.QuantityField:
    """How many of one product may be ordered, up to `limit` (None: QUANTITY_CAP): a number
    box (with − / + buttons, templates/order_form/_fields.html), or a tick box when the
    limit is 1 (one or none, like a cleaning service)."""
    limit = QUANTITY_CAP if limit is None else int(limit)
    field_class = of.OneOrNoneField if limit == 1 else of.QuantityField
    render = {"min": 0, "max": limit, "step": 1, "inputmode": "numeric", "placeholder": "0"}
    return field_class(
        label=label,
        default=default,
        validators=[of.Presence(False), of.Range(0, limit)],
        render_kw={} if limit == 1 else render,
    )


def _heading(spec, products):
    common = _common(spec)
    common.pop("default")
    return of.HeadingField(**common)


def _consent(spec, products):
    return BooleanField(
        validators=[_presence(spec, _l("Tick this box to continue."))],
        **(_common(spec) | {"default": bool(spec.get("default"))}),
    )


FIELD_TYPES = {
    "short_text": _short_text,
    "long_text": _long_text,
    "address": _long_text,
    "phone": _phone,
    "email": _email,
    "number": _number,
    "choice": _choice,
    "multi_choice": _multi_choice,
    "date": _date,
    "time_slot": _time_slot,
    "products": _products,
    "heading": _heading,
    "consent": _consent,
}
