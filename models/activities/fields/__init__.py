"""The field types of order forms: one module per type, each registering a FieldType
(models/activities/fields/base.py) into FIELD_TYPES, which everything else iterates.
How to add one: docs/architecture.md, "How to add a field type".
"""

import importlib
import pkgutil
import re

from flask_wtf import FlaskForm

from models.activities.fields.base import FIELD_TYPES, FieldType, FormSpecError

for _module in pkgutil.iter_modules(__path__):  # each type's module registers its types
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = [
    "FIELD_TYPES",
    "FieldType",
    "FormSpecError",
    "check_specs",
    "field_type",
    "form_fields",
    "line_fields",
]

NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
# names a field cannot take: the customer's form (forms/ordering/order_form.OrderForm) has them
RESERVED = {name for name in dir(FlaskForm) if not name.startswith("__")} | {
    "csrf_token",
    "is_visible",
    "_specs",
    "_visible",
}


def field_type(spec: dict) -> FieldType:
    """The FieldType of `spec` (KeyError for an unknown type)."""
    return FIELD_TYPES[spec["type"]]


def line_fields(specs: list[dict]) -> list[dict]:
    """The specs whose answers are order lines (`holds_lines`: the product fields)."""
    return [spec for spec in specs if field_type(spec).holds_lines]


def check_specs(specs: list[dict]) -> None:
    """Raise FormSpecError unless every spec has its own valid name and a known type."""
    seen = set()
    for spec in specs:
        name, kind = spec.get("name"), spec.get("type")
        if not isinstance(name, str) or not NAME.fullmatch(name) or name in RESERVED:
            raise FormSpecError(f"bad field name: {name!r}")
        if name in seen:
            raise FormSpecError(f"duplicate field name: {name!r}")
        if kind not in FIELD_TYPES:
            raise FormSpecError(f"{name}: unknown field type {kind!r}")
        seen.add(name)


def form_fields(specs: list[dict], catalog: dict) -> dict:
    """{field name: unbound WTForms field} for the customer's form of `specs`, `catalog`
    mapping product id -> Product; raises FormSpecError when a spec cannot be built."""
    check_specs(specs)
    return {spec["name"]: field_type(spec).build(spec, catalog) for spec in specs}
