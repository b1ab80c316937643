"""One editing form per field type of the designer; `editor_for(spec, ...)` picks it.

Each form starts from the field's spec (`initial`) and gives back the new spec values
(`values()`) in the shape of docs/order-form-fields.md: numbers as int or exact decimal
text (never float), options and time slots typed one per line.
"""

import re
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from forms.designer import strip
from forms.field_editor_base import (
    DecimalField,
    FieldEditor,
    WholeField,
    json_number,
    lines_of,
)
from models.catalog import Product

TEXT_TYPES = ("short_text", "long_text", "address", "phone", "email")


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


class OptionsMixin:
    def initial(self, spec):
        return super().initial(spec) | {"options": "\n".join(spec.get("options") or [])}

    def validate_options(self, field):
        options = lines_of(field.data)
        if not options:
            raise ValidationError(_l("Enter at least one option, one per line."))
        if len(set(options)) < len(options):
            raise ValidationError(_l("Each option may appear only once."))
        if any(len(option) > 200 for option in options):
            raise ValidationError(_l("Keep each option under 200 characters."))


OPTIONS_HELP = _l("One option per line.")


class ChoiceEditor(OptionsMixin, FieldEditor):
    options = TextAreaField(_l("Options"), description=OPTIONS_HELP, render_kw={"rows": 4})
    widget = RadioField(
        _l("Show as"),
        choices=[
            SelectChoice("radio", _l("Buttons")),
            SelectChoice("select", _l("Drop-down list")),
        ],
        default="radio",
    )
    default = StringField(_l("Preselected option"), filters=[strip])

    def validate_default(self, field):
        if field.data and field.data not in lines_of(self.options.data):
            raise ValidationError(_l("Enter one of the options, or leave it empty."))

    def own_values(self):
        return {
            "options": lines_of(self.options.data),
            "widget": self.widget.data or "radio",
            "default": self.default.data,
        }


class MultiChoiceEditor(OptionsMixin, FieldEditor):
    options = ChoiceEditor.options
    min_selected = WholeField(_l("At least this many ticked"))
    max_selected = WholeField(_l("At most this many ticked"))
    default = TextAreaField(
        _l("Preselected options"), description=OPTIONS_HELP, render_kw={"rows": 2}
    )

    def initial(self, spec):
        return super().initial(spec) | {"default": "\n".join(spec.get("default") or [])}

    def validate_max_selected(self, field):
        low = self.min_selected.data
        if field.data is not None and low is not None and field.data < low:
            raise ValidationError(_l("Make this at least the minimum."))

    def validate_default(self, field):
        if set(lines_of(field.data)) - set(lines_of(self.options.data)):
            raise ValidationError(_l("Enter only options from the list above."))

    def own_values(self):
        return {
            "options": lines_of(self.options.data),
            "min_selected": self.min_selected.data,
            "max_selected": self.max_selected.data,
            "default": lines_of(self.default.data),
        }


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


def _iso_date(text) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        return None


SLOT_LINE = re.compile(r"^(?:(?P<id>[^|]+)\|)?(?P<label>[^|]+)\|\s*(?P<capacity>\d{1,6})\s*$")


def slots_text(slots: list[dict]) -> str:
    lines = []
    for slot in slots:
        label = slot.get("label") or slot.get("id")
        prefix = "" if str(slot.get("id")) == label else f"{slot.get('id')} | "
        lines.append(f"{prefix}{label} | {slot.get('capacity')}")
    return "\n".join(lines)


def parse_slots(text: str) -> list[dict]:
    """ "label | capacity" or "id | label | capacity", one slot per line."""
    slots = []
    for number, line in enumerate(lines_of(text), start=1):
        match = SLOT_LINE.match(line)
        if not match:
            raise ValueError(
                _l(
                    "Line %(line)s: write “label | capacity”, e.g. “Sat 9–11 | 5”.",
                    line=number,
                )
            )
        label = match["label"].strip()
        slot_id = (match["id"] or label).strip()
        capacity = int(match["capacity"])
        if capacity < 1:
            raise ValueError(_l("Line %(line)s: the capacity must be at least 1.", line=number))
        slots.append({"id": slot_id, "label": label, "capacity": capacity})
    if not slots:
        raise ValueError(_l("Enter at least one time slot."))
    if len({slot["id"] for slot in slots}) < len(slots):
        raise ValueError(_l("Two time slots have the same id; give each its own."))
    return slots


class TimeSlotEditor(FieldEditor):
    slots = TextAreaField(
        _l("Time slots"),
        description=_l(
            "One per line: “label | capacity”, or “id | label | capacity” to keep an id "
            "when you rename a slot."
        ),
        render_kw={"rows": 5},
    )

    def initial(self, spec):
        return super().initial(spec) | {"slots": slots_text(spec.get("slots") or [])}

    def validate_slots(self, field):
        try:
            parse_slots(field.data)
        except ValueError as error:
            raise ValidationError(str(error.args[0])) from error

    def own_values(self):
        return {"slots": parse_slots(self.slots.data)}


class HeadingEditor(FieldEditor):
    required = None


class ConsentEditor(FieldEditor):
    default = BooleanField(_l("Ticked at first"))

    def own_values(self):
        return {"default": self.default.data or None}


class ProductsEditor(FieldEditor):
    """Subclassed per catalog by `_products_editor`: an offer box and a limit per product."""

    products: list[Product] = []

    def initial(self, spec):
        data = super().initial(spec)
        for entry in spec.get("products") or []:
            data[f"offer_{entry['product_id']}"] = True
            data[f"limit_{entry['product_id']}"] = entry.get("limit")
        return data

    def lines(self):
        """(product, offer box, limit input) for the template."""
        return [(p, self[f"offer_{p.id}"], self[f"limit_{p.id}"]) for p in self.products]

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not any(offer.data for _, offer, _ in self.lines()):
            self.form_errors.append(_l("Tick at least one product."))
            return False
        return ok

    def own_values(self):
        chosen = {p.id: limit.data for p, offer, limit in self.lines() if offer.data}
        earlier = [int(e["product_id"]) for e in self.spec.get("products") or []]
        order = [i for i in earlier if i in chosen] + [i for i in chosen if i not in earlier]
        return {
            "products": [
                {"product_id": i, **({"limit": chosen[i]} if chosen[i] else {})} for i in order
            ]
        }


def _products_editor(products: list[Product]):
    attrs = {"products": products}
    for product in products:
        attrs[f"offer_{product.id}"] = BooleanField(product.name)
        attrs[f"limit_{product.id}"] = WholeField(_l("Limit per order"))
    return type("CatalogProductsEditor", (ProductsEditor,), attrs)


EDITORS = {
    **dict.fromkeys(TEXT_TYPES, TextEditor),
    "number": NumberEditor,
    "choice": ChoiceEditor,
    "multi_choice": MultiChoiceEditor,
    "date": DateEditor,
    "time_slot": TimeSlotEditor,
    "heading": HeadingEditor,
    "consent": ConsentEditor,
}


def editor_for(spec: dict, fields: list[dict], **kwargs) -> FieldEditor:
    """The editing form for `spec` (bound to request.form on POST); `fields` are the
    draft's fields, the candidates for "show only when"."""
    if spec["type"] == "products":
        offered = [int(e["product_id"]) for e in spec.get("products") or []]
        products = Product.select().where(
            (Product.active == True) | Product.id.in_(offered)  # noqa: E712
        )
        return _products_editor(list(products.order_by(Product.id)))(spec, fields, **kwargs)
    return EDITORS[spec["type"]](spec, fields, **kwargs)
