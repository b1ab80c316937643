"""Staff editing a placed order through its own version's form (forms/ordering/order_form.py).

The form is filled from the stored answers, and its product inputs from the order's lines,
so what staff see is what the order holds now.
"""

from forms.ordering.order_form import OrderForm, build_order_form, visible_names
from models.activities.fields import field_type
from models.activities.fields.products import PRODUCTS, offered_ids
from models.orders.order import Order

# A hidden input beside the version's own fields; no field name can start with "_".
VERSION_FIELD = "_version"


def order_edit_form(order: Order, formdata=None) -> OrderForm:
    """The order's version form: bound to `formdata` when given, else filled from the order."""
    version = order.template_version
    if formdata is not None:
        return build_order_form(version, formdata, meta={"csrf": False})
    form = build_order_form(version, meta={"csrf": False})
    form.process(None, data=_initial(order))  # None: ignore a POST's data, show the order's
    return form


def _initial(order: Order) -> dict:
    """Field data from the stored answers; each product's quantity goes to the first
    products field that offers it."""
    answers, quantities = order.answers or {}, {}
    for line in order.lines:
        if line.product_id:
            quantities[line.product_id] = quantities.get(line.product_id, 0) + line.quantity
    data = {}
    for spec in order.template_version.fields or []:
        name, kind, value = spec["name"], spec["type"], answers.get(spec["name"])
        if kind == PRODUCTS:
            ids = offered_ids([spec])
            data[name] = {str(i): quantities.pop(i) for i in ids if i in quantities}
        elif value is None:
            continue
        else:
            data[name] = field_type(spec).form_data(value)
    return data


def edited_quantities(form: OrderForm, version) -> dict[int, int]:
    """{product_id: quantity} for every product input of the visible products fields, zeros
    included (they remove a line); products without an input keep their lines."""
    visible = visible_names(form, version.fields)
    totals: dict[int, int] = {}
    for spec in version.fields:
        if spec["type"] == PRODUCTS and spec["name"] in visible:
            for field in form[spec["name"]].form:
                product_id = int(field.short_name)
                totals[product_id] = totals.get(product_id, 0) + (field.data or 0)
    return totals
