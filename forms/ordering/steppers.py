"""− / + buttons beside quantity inputs that work without JavaScript.

Each button is a submit button named `step` whose value names the input and the change
("items-12:+1"). A form sent with a step is not a submission: the view re-renders it from
`stepped(...)`, that quantity changed and everything else as the customer typed it. With
JavaScript, static/js/steppers.js changes the number in the page instead.
"""

import re

from werkzeug.datastructures import MultiDict
from wtforms import FormField

from models.activities.fields.inputs import OneOrNoneField, QuantityField

STEP = "step"
STEP_VALUE = re.compile(r"(?P<name>[A-Za-z0-9_-]{1,100}):(?P<delta>[+-]1)")


def quantity_limits(form) -> dict[str, int]:
    """{input name: most allowed} for the number boxes of `form` that have buttons."""
    limits = {}
    for field in form:
        for quantity in field.form if isinstance(field, FormField) else [field]:
            if isinstance(quantity, QuantityField) and not isinstance(quantity, OneOrNoneField):
                limits[quantity.name] = int(quantity.render_kw.get("max", 0))
    return limits


def stepped(formdata, limits: dict[str, int]) -> MultiDict | None:
    """`formdata` with the step it asks for taken (None when it asks for none): the named
    quantity one up or down, within 0 and its limit; 0 shows as a blank box."""
    value = formdata.get(STEP)
    if value is None:
        return None
    data = MultiDict(formdata.items(multi=True))
    data.poplist(STEP)
    match = STEP_VALUE.fullmatch(value)
    if match and match["name"] in limits:
        name = match["name"]
        typed = (data.get(name) or "").strip()
        current = int(typed) if typed.isascii() and typed.isdigit() else 0
        quantity = min(max(current + int(match["delta"]), 0), limits[name])
        data.setlist(name, [str(quantity) if quantity else ""])
    return data


def quantity_attributes(line, attrs: dict) -> list[tuple[str, object]]:
    """The attributes of `line`'s number box, named and ordered as its WTForms widget writes
    them (templates/fields/_parts.html `stepper` writes the tag): the order form has one box per
    product and writes them on every view, where the widget's call cost 2 ms a page (issue 22).
    True stands alone; False and None are left out."""
    values = {"class": "qty", "id": line.id, "name": line.name, "type": "number"}
    values |= {"value": line._value(), **line.render_kw, **attrs}
    return sorted((k, v) for k, v in values.items() if v is not False and v is not None)
