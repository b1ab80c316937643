"""How an order reads as text: its answers (each field's label from the order's own version,
its value by field type), lines, phone numbers and payment status. The detail page, the
export and the edit timeline note share these, so an order reads the same everywhere.

A stored answer is what forms/ordering/order_form.py `cleaned_answers` gave (after a JSON round
trip): text, E.164 phone, int or decimal text, "YYYY-MM-DD", option or slot id, list,
bool, or {product_id: quantity} with string keys.
"""

from models.activities.fields import field_type
from models.activities.fields.products import lines_text, offered_ids
from models.activities.template import FormTemplateVersion
from models.catalog.products import Product

__all__ = [
    "answer_rows",
    "answer_text",
    "export_cell",
    "lines_text",
    "offered_product_ids",
    "product_names",
]


def offered_product_ids(version: FormTemplateVersion) -> list[int]:
    """The products the version's `products` fields offer, in form order."""
    return offered_ids(version.fields)


def product_names(versions, lines=()) -> dict[int, str]:
    """{product id: name} for the products of `versions`; a line's name (as sold) wins."""
    ids = {pid for version in versions for pid in offered_product_ids(version)}
    names = {}
    if ids:
        names = dict(Product.select(Product.id, Product.name).where(Product.id.in_(ids)).tuples())
    names.update({line.product_id: line.name for line in lines if line.product_id})
    return names


def unanswered(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def answer_text(spec: dict, value, names: dict[int, str], *, iso_dates: bool = False) -> str:
    """One answer as text ("" when unanswered); dates in the page's language unless iso_dates."""
    if unanswered(value):
        return ""
    return field_type(spec).text(spec, value, names, iso_dates=iso_dates)


def export_cell(spec: dict, value, names: dict[int, str]):
    """One answer's cell in an export ("" when unanswered)."""
    if unanswered(value):
        return ""
    return field_type(spec).export_cell(spec, value, names)


def answer_rows(version: FormTemplateVersion, answers: dict, names: dict[int, str]):
    """[(spec, label, text), ...] for every field of `version` that holds an answer."""
    answers = answers or {}
    return [
        (
            spec,
            spec.get("label") or spec["name"],
            answer_text(spec, answers.get(spec["name"]), names),
        )
        for spec in version.fields or []
        if not field_type(spec).silent
    ]
