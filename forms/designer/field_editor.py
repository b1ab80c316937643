"""One editing form per field type of the designer; `editor_for(spec, ...)` picks it.

Each form starts from the field's spec (`initial`) and gives back the new spec values
(`values()`) in the shape of docs/order-form-fields.md: numbers as int or exact decimal
text (never float), options typed one per line, time slots one row each.
"""

import re
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional, ValidationError

from forms.designer.field_editor_base import (
    DecimalField,
    FieldEditor,
    WholeField,
    json_number,
    lines_of,
)
from forms.designer.template import LOCAL_TIME_FORMATS, strip
from models.catalog.products import Product

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


class SlotRow(Form):
    """One time slot in the slot editor; its id is kept hidden, so renaming keeps answers.
    The start time is typed on the shop's clock and kept as "YYYY-MM-DDTHH:MM" in shop time,
    as models/automation/timed.py reads it for pickup reminders."""

    slot_id = HiddenField()
    label = StringField(_l("Label"), [Length(max=200)], filters=[strip])
    capacity = WholeField(_l("Places"))
    starts_at = DateTimeLocalField(_l("Starts at"), [Optional()], format=LOCAL_TIME_FORMATS)
    remove = BooleanField(_l("Remove"))

    def blank(self) -> bool:
        """A spare row left empty: it adds no slot."""
        typed = [f.raw_data and f.raw_data[0].strip() for f in (self.capacity, self.starts_at)]
        return not any([self.slot_id.data, self.label.data, *typed])

    def validate(self, extra_validators=None):
        super().validate(extra_validators)
        if self.remove.data or self.blank():
            for field in self:
                field.errors = []
            return True
        if not self.label.data:
            self.label.errors.append(_l("Enter a label."))
        if self.capacity.data is None and not self.capacity.errors:
            self.capacity.errors.append(_l("Enter how many places it has."))
        elif self.capacity.data == 0:
            self.capacity.errors.append(_l("Give it at least 1 place."))
        return not any(field.errors for field in self)


SLOT_TIME = "%Y-%m-%dT%H:%M"


def _slot_time(text) -> datetime | None:
    try:
        return datetime.strptime(str(text), SLOT_TIME) if text else None
    except ValueError:
        return None


def _new_slot_id(label: str, taken: set[str]) -> str:
    candidate, number = label, 2
    while candidate in taken:
        candidate, number = f"{label}-{number}", number + 1
    return candidate


class TimeSlotEditor(FieldEditor):
    slots = FieldList(FormField(SlotRow), _l("Time slots"))

    SPARE_ROWS = 3

    def initial(self, spec):
        rows = [
            {
                "slot_id": str(slot.get("id")),
                "label": slot.get("label") or str(slot.get("id")),
                "capacity": slot.get("capacity"),
                "starts_at": _slot_time(slot.get("starts_at")),
            }
            for slot in spec.get("slots") or []
        ]
        return super().initial(spec) | {"slots": rows + [{}] * self.SPARE_ROWS}

    def kept(self) -> list[SlotRow]:
        return [row.form for row in self.slots if not (row.remove.data or row.form.blank())]

    def validate_slots(self, field):
        rows = self.kept()
        if not rows:
            raise ValidationError(_l("Enter at least one time slot."))
        seen = set()
        for row in rows:
            if row.label.data in seen:
                row.label.errors.append(_l("Another time slot has this label."))
            seen.add(row.label.data)
        if any(row.label.errors for row in rows):
            raise ValidationError(_l("Give each time slot its own label."))

    def own_values(self):
        old = {str(slot.get("id")): slot for slot in self.spec.get("slots") or []}
        taken, slots = set(old), []
        for row in self.kept():
            slot_id = row.slot_id.data
            if slot_id not in old or any(s["id"] == slot_id for s in slots):
                slot_id = _new_slot_id(row.label.data, taken)
            taken.add(slot_id)
            slot = {**old.get(slot_id, {}), "id": slot_id, "label": row.label.data}
            slot["capacity"] = row.capacity.data
            slot.pop("starts_at", None)
            if row.starts_at.data:
                slot["starts_at"] = row.starts_at.data.strftime(SLOT_TIME)
            slots.append(slot)
        return {"slots": slots}


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
