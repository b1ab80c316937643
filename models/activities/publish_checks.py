"""What must hold before a draft is published, as problems an admin can read and fix.

`draft_problems(draft)` checks the contact fields, each field's spec (its type's
`problems`), the settings, and finally builds the customer's fields from the specs (each
type's `build`, the same code the order page runs), so a draft that passes always renders.
Packages above this one check the settings they own by answering `checking_settings`
(models/subscriptions.py connects them): a receiver takes the settings and returns problems.
"""

from blinker import Signal
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import Form

from models.activities.fields import FIELD_TYPES, FormSpecError, form_fields
from models.activities.fields.base import field_label
from models.activities.fields.products import PRODUCTS, offered_ids
from models.activities.pickup import PickupPoint, closed_on_pickup_day, pickup_day_passed
from models.catalog.products import Product

CONTACT_TYPES = {"name": "short_text", "phone": "phone"}
checking_settings = Signal("a draft's settings are checked: return the problems found")


def draft_problems(draft: dict, kind: str = "goods") -> list[str]:
    fields = draft.get("fields") or []
    problems = _contact_problems(fields)
    if kind == "goods" and not any(f.get("type") == PRODUCTS for f in fields):
        problems.append(_l("A goods form needs a product lines field."))
    by_name = {spec.get("name"): spec for spec in fields}
    for spec in fields:
        problems += _field_problems(spec, by_name)
    settings = draft.get("settings") or {}
    problems += _settings_problems(settings)
    for _receiver, found in checking_settings.send(settings):
        problems += found
    if not problems:
        problems += _build_problems(fields)
    return [str(problem) for problem in problems]


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
            problems.append(_l("“%(field)s” must always be shown.", field=field_label(spec)))
    return problems


def _field_problems(spec: dict, by_name: dict) -> list:
    kind = FIELD_TYPES.get(spec.get("type"))
    problems = kind.problems(spec) if kind else []
    condition = spec.get("show_when")
    if condition:
        problems += _condition_problems(spec, condition, by_name, field_label(spec))
    return problems


def _condition_problems(spec: dict, condition: dict, by_name: dict, label: str) -> list:
    other = by_name.get(condition.get("field"))
    if other is None or other is spec:
        return [_l("“%(field)s” is shown depending on a field that does not exist.", field=label)]
    value = condition.get("equals")
    kind = FIELD_TYPES.get(other.get("type"))
    allowed = kind.choices(other) if kind else None
    if allowed is not None and str(value) not in allowed:
        return [
            _l(
                "“%(field)s” is shown when “%(other)s” is “%(value)s”, which is not one of its choices.",
                field=label,
                other=field_label(other),
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
        ids = offered_ids(fields)
        products = {p.id: p for p in Product.select().where(Product.id.in_(ids))}
        preview = type("Preview", (Form,), form_fields(fields, products))
        preview(formdata=MultiDict())
    except (FormSpecError, KeyError, TypeError, ValueError, ArithmeticError) as error:
        return [_l("The form cannot be built: %(error)s", error=str(error))]
    return []
