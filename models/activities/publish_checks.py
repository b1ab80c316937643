"""What must hold before a draft is published, as problems an admin can read and fix.

`draft_problems(draft)` checks the contact fields, each field's spec, the settings, and
finally builds the customer's form from the fields (`build_order_form`, the same code the
order page runs), so a draft that passes always renders.
"""

from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from forms.ordering.order_form import FormSpecError, build_order_form
from models.activities.pickup import PickupPoint, closed_on_pickup_day, pickup_day_passed
from models.catalog.products import Product

CONTACT_TYPES = {"name": "short_text", "phone": "phone"}
CHOICE_TYPES = ("choice", "multi_choice")


def draft_problems(draft: dict, kind: str = "goods") -> list[str]:
    fields = draft.get("fields") or []
    problems = _contact_problems(fields)
    if kind == "goods" and not any(f.get("type") == "products" for f in fields):
        problems.append(_l("A goods form needs a product lines field."))
    by_name = {spec.get("name"): spec for spec in fields}
    for spec in fields:
        problems += _field_problems(spec, by_name)
    problems += _settings_problems(draft.get("settings") or {})
    if not problems:
        problems += _build_problems(fields)
    return [str(problem) for problem in problems]


def preview_form(fields: list[dict], **kwargs):
    """The customer's form for a draft's fields (raises FormSpecError when it cannot be built)."""
    return build_order_form(SimpleNamespace(fields=fields, id=None), **kwargs)


def _label(spec: dict) -> str:
    return spec.get("label") or spec.get("name") or "?"


def _contact_problems(fields: list[dict]) -> list:
    problems = []
    for name, kind in CONTACT_TYPES.items():
        spec = next((f for f in fields if f.get("name") == name), None)
        if spec is None or spec.get("type") != kind or not spec.get("required"):
            problems.append(
                _l("The form needs its required name field.")
                if name == "name"
                else _l("The form needs its required phone field.")
            )
        elif spec.get("show_when"):
            problems.append(_l("“%(field)s” must always be shown.", field=_label(spec)))
    return problems


def _field_problems(spec: dict, by_name: dict) -> list:
    kind, label = spec.get("type"), _label(spec)
    problems = []
    if kind in CHOICE_TYPES:
        options = [str(o) for o in spec.get("options") or []]
        if not options:
            problems.append(_l("“%(field)s” needs at least one option.", field=label))
        elif len(set(options)) < len(options):
            problems.append(_l("“%(field)s” lists an option twice.", field=label))
    elif kind == "time_slot":
        problems += _slot_problems(spec, label)
    elif kind == "products":
        problems += _product_problems(spec, label)
    condition = spec.get("show_when")
    if condition:
        problems += _condition_problems(spec, condition, by_name, label)
    return problems


def _slot_problems(spec: dict, label: str) -> list:
    slots = spec.get("slots") or []
    if not slots:
        return [_l("“%(field)s” needs at least one time slot.", field=label)]
    problems = []
    ids = [str(slot.get("id") or "") for slot in slots]
    if not all(ids):
        problems.append(_l("“%(field)s”: every time slot needs an id.", field=label))
    if len(set(ids)) < len(ids):
        problems.append(_l("“%(field)s”: two time slots have the same id.", field=label))
    for slot in slots:
        capacity = slot.get("capacity")
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
            problems.append(
                _l(
                    "“%(field)s”: the time slot “%(slot)s” needs a capacity of at least 1.",
                    field=label,
                    slot=slot.get("label") or slot.get("id"),
                )
            )
    return problems


def _product_problems(spec: dict, label: str) -> list:
    entries = spec.get("products") or []
    if not entries:
        return [_l("“%(field)s” offers no products yet.", field=label)]
    try:
        ids = [int(entry["product_id"]) for entry in entries]
    except (KeyError, TypeError, ValueError):
        return [_l("“%(field)s” has a product line without a product.", field=label)]
    found = {p.id: p for p in Product.select().where(Product.id.in_(ids))}
    problems = []
    for product_id in ids:
        product = found.get(product_id)
        if product is None:
            problems.append(_l("“%(field)s” offers a product that no longer exists.", field=label))
        elif not product.active:
            problems.append(
                _l(
                    "“%(field)s” offers “%(product)s”, which is no longer for sale.",
                    field=label,
                    product=product.name,
                )
            )
    return problems


def _condition_problems(spec: dict, condition: dict, by_name: dict, label: str) -> list:
    other = by_name.get(condition.get("field"))
    if other is None or other is spec:
        return [_l("“%(field)s” is shown depending on a field that does not exist.", field=label)]
    value = condition.get("equals")
    allowed = None
    if other.get("type") in CHOICE_TYPES:
        allowed = [str(o) for o in other.get("options") or []]
    elif other.get("type") == "time_slot":
        allowed = [str(s.get("id")) for s in other.get("slots") or []]
    if allowed is not None and str(value) not in allowed:
        return [
            _l(
                "“%(field)s” is shown when “%(other)s” is “%(value)s”, which is not one of its choices.",
                field=label,
                other=_label(other),
                value=value,
            )
        ]
    return []


def _settings_problems(settings: dict) -> list:
    ids = settings.get("pickup_point_ids") or []
    if not ids:
        return []
    points = {p.id: p for p in PickupPoint.select().where(PickupPoint.id.in_(ids))}
    problems = []
    for point_id in ids:
        point = points.get(point_id)
        if point is None:
            problems.append(_l("A chosen pickup point no longer exists."))
        elif not point.active:
            problems.append(
                _l("The pickup point “%(point)s” is no longer in use.", point=point.name)
            )
    if pickup_day_passed(settings):
        problems.append(_l("The pickup day has passed; choose another one in the settings."))
    for point in closed_on_pickup_day(settings, list(points.values())):
        problems.append(
            _l(
                "The pickup point “%(point)s” has no opening hours on the pickup day; "
                "give the pickup hours in the settings.",
                point=point.name,
            )
        )
    return problems


def _build_problems(fields: list[dict]) -> list:
    try:
        preview_form(fields, formdata=MultiDict(), meta={"csrf": False})
    except (FormSpecError, KeyError, TypeError, ValueError, ArithmeticError) as error:
        return [_l("The form cannot be built: %(error)s", error=str(error))]
    return []
