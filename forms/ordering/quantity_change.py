"""The customer's "change quantities" form on the tracking page: one input per product the
order's version offers, within that version's per-order limit (a tick box when the limit is
1), with − / + buttons (forms/ordering/steppers.py)."""

from flask_wtf import FlaskForm
from wtforms import HiddenField

from models.activities.fields import line_fields
from models.activities.fields.products import entry_product_id, quantity_field
from models.orders.order import Order

PREFIX = "qty-"


class QuantityChangeForm(FlaskForm):
    # customer_view(order) of the page the customer changed (models/storefront/tracking.py)
    seen = HiddenField()

    def quantities(self) -> dict[int, int]:
        """{product id: quantity} for every product on the form (0 removes a line)."""
        return {
            int(f.name.removeprefix(PREFIX)): f.data or 0 for f in self if f.name.startswith(PREFIX)
        }


def build_quantity_form(order: Order, products: dict, formdata=None) -> QuantityChangeForm:
    """`products`: {product id: Product} the version offers (models/activity.offered_products)."""
    current = {line.product_id: line.quantity for line in order.lines}
    attrs = {}
    for spec in line_fields(order.template_version.fields):
        for entry in spec.get("products") or []:
            product = products.get(entry_product_id(entry))
            if product is not None:
                attrs[f"{PREFIX}{product.id}"] = quantity_field(
                    product.name, entry.get("limit"), default=current.get(product.id, 0)
                )
    form_class = type("QuantityChange", (QuantityChangeForm,), attrs)
    return form_class(formdata=formdata) if formdata is not None else form_class(formdata=None)
