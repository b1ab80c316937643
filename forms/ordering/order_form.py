"""The customer's order form, generated from a published FormTemplateVersion.

    form = build_order_form(version)          # on POST, reads request.form (Flask-WTF)
    if form.validate_on_submit():
        answers = cleaned_answers(form, version)
        lines = requested_lines(form, version)

Field specs are the dicts in `version.fields`, one builder per type in
forms/ordering/builders.py (FIELD_TYPES). The server enforces `show_when`: a hidden field is not
validated (so never required) and is left out of the cleaned answers.
"""

import re
from decimal import Decimal

from flask_wtf import FlaskForm

from forms.ordering import fields as of
from forms.ordering.builders import FIELD_TYPES, FormSpecError
from models.activities.template import FormTemplateVersion
from models.catalog.products import Product
from models.customers.phones import normalize_phone

__all__ = [
    "FIELD_TYPES",
    "FormSpecError",
    "OrderForm",
    "build_order_form",
    "cleaned_answers",
    "requested_lines",
    "visible_names",
]

NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")


class OrderForm(FlaskForm):
    """Base of every generated form; validates only the fields `show_when` leaves visible."""

    _specs: list = []
    _visible: set | None = None

    def is_visible(self, name: str) -> bool:
        """For templates: after validate(), as the server decided; before, from current data."""
        visible = self._visible if self._visible is not None else visible_names(self, self._specs)
        return name in visible

    def validate(self, extra_validators=None):
        extra_validators = extra_validators or {}
        spec_names = {spec["name"] for spec in self._specs}
        self._visible = visible_names(self, self._specs)
        success = True
        for name, field in self._fields.items():
            if name in spec_names and name not in self._visible:
                continue
            if not field.validate(self, extra_validators.get(name, ())):
                success = False
        return success


RESERVED = {name for name in dir(OrderForm) if not name.startswith("__")} | {"csrf_token"}


def _check(specs: list[dict]) -> None:
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


def _load_products(specs: list[dict]) -> dict[int, Product]:
    ids = {
        int(entry["product_id"])
        for spec in specs
        if spec.get("type") == "products"
        for entry in spec.get("products") or []
    }
    if not ids:
        return {}
    return {p.id: p for p in Product.select().where(Product.id.in_(ids))}


def build_order_form(
    version: FormTemplateVersion,
    formdata=None,
    products: dict[int, Product] | None = None,
    **kwargs,
) -> OrderForm:
    """A bound form for `version`. formdata=None lets Flask-WTF read request.form on POST.

    `products` maps product id to Product for the `products` fields' labels (loaded when
    omitted); entries whose product is missing or inactive get no input. Extra keyword
    arguments (meta={"csrf": False}, prefix=...) go to the form. Raises FormSpecError
    when the field list itself is invalid.
    """
    specs = list(version.fields or [])
    _check(specs)
    if products is None:
        products = _load_products(specs)
    attrs = {"_specs": specs}
    for spec in specs:
        attrs[spec["name"]] = FIELD_TYPES[spec["type"]](spec, products)
    form_class = type(f"OrderForm{version.id or ''}", (OrderForm,), attrs)
    if formdata is not None:
        kwargs["formdata"] = formdata
    form = form_class(**kwargs)
    for spec in specs:
        form[spec["name"]].spec = spec
    return form


def _matches(value, expected) -> bool:
    if value is None:
        return False
    if isinstance(value, list):
        return expected in value or str(expected) in value
    if isinstance(value, Decimal):
        try:
            return value == Decimal(str(expected))
        except ArithmeticError:
            return False
    return value == expected


def visible_names(form, specs) -> set[str]:
    """Names of the fields whose `show_when` holds for the form's current data.

    A condition on a hidden, missing or cyclic field is false: the field is hidden.
    """
    specs = specs.fields if isinstance(specs, FormTemplateVersion) else specs
    by_name = {spec["name"]: spec for spec in specs}
    memo: dict[str, bool] = {}

    def visible(name: str, path: tuple = ()) -> bool:
        if name not in memo:
            condition = by_name[name].get("show_when")
            if not condition:
                memo[name] = True
            else:
                other = condition.get("field")
                memo[name] = (
                    other in by_name
                    and other not in (*path, name)
                    and visible(other, (*path, name))
                    and _matches(form[other].data, condition.get("equals"))
                )
        return memo[name]

    return {name for name in by_name if visible(name)}


def _clean(spec: dict, field):
    kind, value = spec["type"], field.data
    if kind == "products":
        return field.form.quantities()
    if kind == "phone":
        return (getattr(field, "e164", None) or normalize_phone(value)) if value else ""
    if kind == "number":
        if value is None:
            return None
        return int(value) if value == value.to_integral_value() else of.plain(value)
    if kind == "date":
        return value.isoformat() if value else None
    if kind == "multi_choice":
        return list(dict.fromkeys(value or []))
    if kind == "consent":
        return bool(value)
    if kind in ("choice", "time_slot"):
        return value or None
    return value or ""


def cleaned_answers(form: OrderForm, version: FormTemplateVersion) -> dict:
    """{field name: value} for the visible input fields of a form that validated.

    Text: stripped str ("" when blank); phone: E.164 ("" when blank); number: int when
    whole, else its exact decimal text ("2.5"); date: "YYYY-MM-DD"; choice/time_slot: the
    option / slot id (None when blank); multi_choice: list; consent: bool; products:
    {product_id: quantity} for quantities above zero. Headings and hidden fields are absent.
    """
    visible = visible_names(form, version.fields)
    return {
        spec["name"]: _clean(spec, form[spec["name"]])
        for spec in version.fields
        if spec["type"] != "heading" and spec["name"] in visible
    }


def requested_lines(form: OrderForm, version: FormTemplateVersion) -> list[tuple[int, int]]:
    """[(product_id, quantity), ...] over the visible products fields, in form order;
    a product offered by two fields gets the sum of its quantities."""
    visible = visible_names(form, version.fields)
    totals: dict[int, int] = {}
    for spec in version.fields:
        if spec["type"] == "products" and spec["name"] in visible:
            for product_id, quantity in form[spec["name"]].form.quantities().items():
                totals[product_id] = totals.get(product_id, 0) + quantity
    return list(totals.items())
