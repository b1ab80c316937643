"""The customer's order form, generated from a published FormTemplateVersion.

    form = build_order_form(version)          # on POST, reads request.form (Flask-WTF)
    if form.validate_on_submit():
        answers = cleaned_answers(form, version)
        lines = requested_lines(form, version)

Field specs are the dicts in `version.fields`; each type's module in
models/activities/fields/ builds its field (FIELD_TYPES). The server enforces `show_when`: a hidden field is not
validated (so never required) and is left out of the cleaned answers.
"""

from decimal import Decimal

from flask_wtf import FlaskForm

from models.activities.fields import FormSpecError, check_specs, field_type, form_fields
from models.activities.fields.products import PRODUCTS, offered_ids
from models.activities.template import FormTemplateVersion
from models.catalog.products import Product

__all__ = [
    "FormSpecError",
    "OrderForm",
    "build_order_form",
    "cleaned_answers",
    "requested_lines",
    "visible_names",
]


class OrderForm(FlaskForm):
    """Base of every generated form; validates only the fields `show_when` leaves visible."""

    _specs: list = []
    _visible: set | None = None
    prefilled: frozenset = frozenset()  # the fields filled in for a returning customer

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


def _load_products(specs: list[dict]) -> dict[int, Product]:
    ids = offered_ids(specs)
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
    form_class = _form_class(version, products)
    specs = form_class._specs
    if formdata is not None:
        kwargs["formdata"] = formdata
    form = form_class(**kwargs)
    for spec in specs:
        form[spec["name"]].spec = spec
        form[spec["name"]].kind = field_type(spec)
    return form


# {version id: (the products it was built with, the form class)}: a published version never
# changes, and the products of a kept activity (models/activities/published.py) are the same
# object until the catalog changes, so the class is built once per worker and catalog change.
_CLASSES: dict[int, tuple[dict, type]] = {}


def _form_class(version: FormTemplateVersion, products: dict[int, Product] | None) -> type:
    kept = _CLASSES.get(version.id) if products is not None else None
    if kept is not None and kept[0] is products:
        return kept[1]
    specs = list(version.fields or [])
    check_specs(specs)
    attrs = {
        "_specs": specs,
        **form_fields(specs, _load_products(specs) if products is None else products),
    }
    form_class = type(f"OrderForm{version.id or ''}", (OrderForm,), attrs)
    if products is not None and version.id is not None:
        _CLASSES[version.id] = (products, form_class)
    return form_class


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


def cleaned_answers(form: OrderForm, version: FormTemplateVersion) -> dict:
    """{field name: value} for the visible input fields of a form that validated.

    Text: stripped str ("" when blank); phone: E.164 ("" when blank); number: int when
    whole, else its exact decimal text ("2.5"); date: "YYYY-MM-DD"; choice/time_slot: the
    option / slot id (None when blank); multi_choice: list; consent: bool; products:
    {product_id: quantity} for quantities above zero. Headings and hidden fields are absent.
    """
    visible = visible_names(form, version.fields)
    return {
        spec["name"]: field_type(spec).clean(form[spec["name"]])
        for spec in version.fields
        if not field_type(spec).silent and spec["name"] in visible
    }


def requested_lines(form: OrderForm, version: FormTemplateVersion) -> list[tuple[int, int]]:
    """[(product_id, quantity), ...] over the visible products fields, in form order;
    a product offered by two fields gets the sum of its quantities."""
    visible = visible_names(form, version.fields)
    totals: dict[int, int] = {}
    for spec in version.fields:
        if spec["type"] == PRODUCTS and spec["name"] in visible:
            for product_id, quantity in form[spec["name"]].form.quantities().items():
                totals[product_id] = totals.get(product_id, 0) + quantity
    return list(totals.items())
