"""How an order reads as text: its answers (each field's label from the order's own version,
its value by field type), lines, phone numbers and payment status. The detail page, the
export and the edit timeline note share these, so an order reads the same everywhere.

A stored answer is what forms/ordering/order_form.py `cleaned_answers` gave (after a JSON round
trip): text, E.164 phone, int or decimal text, "YYYY-MM-DD", option or slot id, list,
bool, or {product_id: quantity} with string keys.
"""

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _

from models.activities.template import FormTemplateVersion
from models.catalog.products import Product
from models.customers.phones import format_phone

SILENT_TYPES = ("heading",)  # section titles hold no answer


def offered_product_ids(version: FormTemplateVersion) -> list[int]:
    """The products the version's `products` fields offer, in form order."""
    ids = [
        int(entry["product_id"])
        for spec in version.fields or []
        if spec.get("type") == "products"
        for entry in spec.get("products") or []
    ]
    return list(dict.fromkeys(ids))


def product_names(versions, lines=()) -> dict[int, str]:
    """{product id: name} for the products of `versions`; a line's name (as sold) wins."""
    ids = {pid for version in versions for pid in offered_product_ids(version)}
    names = {}
    if ids:
        names = dict(Product.select(Product.id, Product.name).where(Product.id.in_(ids)).tuples())
    names.update({line.product_id: line.name for line in lines if line.product_id})
    return names


def answer_text(spec: dict, value, names: dict[int, str], *, iso_dates: bool = False) -> str:
    """One answer as text ("" when unanswered); dates in the page's language unless iso_dates."""
    kind = spec.get("type")
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if kind == "consent":
        return _("Yes") if value else _("No")
    if kind == "phone":
        return format_phone(str(value))
    if kind == "date":
        return str(value) if iso_dates else format_date(date.fromisoformat(value), "medium")
    if kind == "time_slot":
        slot = next((s for s in spec.get("slots") or [] if str(s.get("id")) == str(value)), None)
        return (slot.get("label") or str(value)) if slot else str(value)
    if kind == "multi_choice":
        return ", ".join(str(option) for option in value)
    if kind == "products":
        return lines_text(
            (names.get(int(pid), f"#{pid}"), quantity)
            for pid, quantity in value.items()
            if quantity
        )
    return str(value)


def lines_text(items) -> str:
    """[(name, quantity), ...] -> "苹果 ×2; 梨 ×1"."""
    return "; ".join(f"{name} ×{quantity}" for name, quantity in items)


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
        if spec.get("type") not in SILENT_TYPES
    ]
