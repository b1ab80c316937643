"""What a field type is: `FieldType`, one subclass per type in this package, each registered
with `@register` into FIELD_TYPES (models/activities/fields/__init__.py imports them all).
A field's spec is the dict kept in a version's `fields` (docs/order-form-fields.md); every
method takes it as `spec`.
"""

from models.activities.fields import inputs

FIELD_TYPES: dict = {}  # type name -> FieldType, in the designer's menu order


def register(cls):
    """Class decorator: one instance of `cls` serves every field of its type."""
    FIELD_TYPES[cls.name] = cls()
    ordered = sorted(FIELD_TYPES.values(), key=lambda kind: kind.position)
    FIELD_TYPES.clear()
    FIELD_TYPES.update((kind.name, kind) for kind in ordered)
    return cls


class FormSpecError(ValueError):
    """The template's field list cannot be turned into a form (a designer bug)."""


def strip(value):
    return value.strip() if isinstance(value, str) else value


def common(spec: dict, default=True) -> dict:
    """The keyword arguments every customer field takes: label, help text, prefilled answer."""
    given = {"label": spec.get("label") or spec["name"], "description": spec.get("help") or ""}
    return given | ({"default": spec.get("default")} if default else {})


def presence(spec: dict, message=None):
    return inputs.Presence(bool(spec.get("required")), message)


def field_label(spec: dict) -> str:
    return spec.get("label") or spec.get("name") or "?"


class FieldType:
    """One kind of form field; subclasses override what differs from this plain text field.

    name            the spec's `type`
    label           what the designer calls it
    editor          the designer's editing form (a models/activities/fields/editor.FieldEditor)
    input_partial   the template of the customer's input (included by order_form/_fields.html)
    editor_partial  the template of the type's own editor inputs (designer/_field_editor.html)
    position        its place in the designer's "add a field" menu
    silent          holds no answer (a section heading): no answer text, no export column
    holds_lines     its answer is order lines (product quantities), not a value of the answers
    checked_on_blur checked by the server as soon as the customer leaves the input
    condition       what another field's "show only when" may test: "" nothing, "answer"
                    an answer (one of `choices` when those are given), "ticked" a tick
    kept_whole      its input on an untouched form shows only its publication (the stock
                    left through holes, blueprints/kept_parts.py): written once and kept
    """

    name = ""
    label = ""
    position = 0
    editor = None
    input_partial = "fields/_input.html"
    editor_partial = "fields/_editor.html"
    silent = False
    holds_lines = False
    checked_on_blur = False
    condition = ""
    kept_whole = True

    def starting_spec(self) -> dict:
        """What a new field of this type gets beside name, type and label, so it renders."""
        return {"required": False}

    def build(self, spec: dict, products: dict):
        """The customer's unbound WTForms field; `products` maps id -> Product."""
        raise NotImplementedError

    def editor_for(self, spec: dict):
        """The editor form class for `spec` (the products editor depends on the catalog)."""
        return self.editor

    def clean(self, field):
        """The answer kept in the order for a validated field (see cleaned_answers)."""
        return field.data or ""

    def form_data(self, value):
        """A stored answer as the customer's field holds it, to edit the order."""
        return value

    def summary(self, spec: dict) -> str:
        """What the designer's field list says of the field beside its type ("" for nothing)."""
        return ""

    def problems(self, spec: dict) -> list:
        """Why `spec` cannot be published yet, as messages an admin can act on."""
        return []

    def choices(self, spec: dict) -> list[str] | None:
        """The answers "show only when" may test for, or None when any answer may be typed."""
        return None

    def text(self, spec: dict, value, names: dict[int, str], *, iso_dates: bool = False) -> str:
        """A stored (non-empty) answer as text; `names` maps product id -> name."""
        return str(value)

    def export_cell(self, spec: dict, value, names: dict[int, str]):
        """The answer's cell in an export (ISO dates, so spreadsheets can sort them)."""
        return self.text(spec, value, names, iso_dates=True)
