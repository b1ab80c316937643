"""The customer's "change quantities" form on the tracking page: one input per product the
order's version offers, within that version's per-order limit."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import InputRequired, NumberRange

from forms.fields.order_builders import QUANTITY_CAP
from forms.fields.order_fields import QuantityField
from models.order import Order

PREFIX = "qty-"


class QuantityChangeForm(FlaskForm):
    def quantities(self) -> dict[int, int]:
        """{product id: quantity} for every product on the form (0 removes a line)."""
        return {int(f.name.removeprefix(PREFIX)): f.data for f in self if f.name.startswith(PREFIX)}


def build_quantity_form(order: Order, products: dict, formdata=None) -> QuantityChangeForm:
    """`products`: {product id: Product} the version offers (models.activity.offered_products)."""
    current = {line.product_id: line.quantity for line in order.lines}
    attrs = {}
    for spec in order.template_version.fields:
        if spec["type"] != "products":
            continue
        for entry in spec.get("products") or []:
            product = products.get(int(entry["product_id"]))
            if product is None:
                continue
            limit = QUANTITY_CAP if entry.get("limit") is None else int(entry["limit"])
            attrs[f"{PREFIX}{product.id}"] = QuantityField(
                product.name,
                default=current.get(product.id, 0),
                validators=[
                    InputRequired(_l("Enter a quantity (0 removes the item).")),
                    NumberRange(0, limit, _l("Between %(min)s and %(max)s.")),
                ],
                render_kw={"min": 0, "max": limit, "inputmode": "numeric"},
            )
    form_class = type("QuantityChange", (QuantityChangeForm,), attrs)
    return form_class(formdata=formdata) if formdata is not None else form_class(formdata=None)
