"""Product lines: the products a goods form offers, each with a quantity and an optional
per-order limit. A spec's `products` entries are {"product_id": id, "limit": n}; read them
with `entry_product_id` / `offered_ids`, never by hand."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, FormField

from models.activities.fields import inputs
from models.activities.fields.base import FieldType, common, field_label, register
from models.activities.fields.editor import FieldEditor, WholeField
from models.catalog.products import Product

PRODUCTS = "products"
QUANTITY_CAP = 999  # when a products entry has no `limit`


def entry_product_id(entry: dict) -> int:
    """The product id of one `products` entry (KeyError, TypeError, ValueError when bad)."""
    return int(entry["product_id"])


def offered_ids(fields: list[dict]) -> list[int]:
    """The product ids the `products` fields among `fields` offer, in form order, once each."""
    ids = [
        entry_product_id(entry)
        for spec in fields or []
        if spec.get("type") == PRODUCTS
        for entry in spec.get("products") or []
    ]
    return list(dict.fromkeys(ids))


def quantity_field(label: str, limit=None, default: int = 0) -> inputs.QuantityField:
    """How many of one product may be ordered, up to `limit` (None: QUANTITY_CAP): a number
    box (with − / + buttons, templates/fields/products/_input.html), or a tick box when the
    limit is 1 (one or none, like a cleaning service)."""
    limit = QUANTITY_CAP if limit is None else int(limit)
    field_class = inputs.OneOrNoneField if limit == 1 else inputs.QuantityField
    render = {"min": 0, "max": limit, "step": 1, "inputmode": "numeric", "placeholder": "0"}
    return field_class(
        label=label,
        default=default,
        validators=[inputs.Presence(False), inputs.Range(0, limit)],
        render_kw={} if limit == 1 else render,
    )


class ProductsEditor(FieldEditor):
    """Subclassed per catalog by `Products.editor_for`: an offer box and a limit per product."""

    products: list[Product] = []

    def initial(self, spec):
        data = super().initial(spec)
        for entry in spec.get("products") or []:
            data[f"offer_{entry_product_id(entry)}"] = True
            data[f"limit_{entry_product_id(entry)}"] = entry.get("limit")
        return data

    def lines(self):
        """(product, offer box, limit input) for the template."""
        return [(p, self[f"offer_{p.id}"], self[f"limit_{p.id}"]) for p in self.products]

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not any(offer.data for _, offer, _ in self.lines()):
            self.form_errors.append(_l("Tick at least one product."))
            return False
        return ok

    def own_values(self):
        chosen = {p.id: limit.data for p, offer, limit in self.lines() if offer.data}
        earlier = offered_ids([self.spec])
        order = [i for i in earlier if i in chosen] + [i for i in chosen if i not in earlier]
        return {
            "products": [
                {"product_id": i, **({"limit": chosen[i]} if chosen[i] else {})} for i in order
            ]
        }


def _product_problems(found: dict, ids: list[int], label: str) -> list:
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


@register
class Products(FieldType):
    name, label, position = PRODUCTS, _l("Product lines"), 110
    editor = ProductsEditor
    input_partial = "fields/products/_input.html"
    editor_partial = "fields/products/_editor.html"
    holds_lines = True

    def starting_spec(self):
        return {"required": False, "products": []}

    def editor_for(self, spec):
        offered = offered_ids([spec])
        products = Product.select().where(
            (Product.active == True) | Product.id.in_(offered)  # noqa: E712
        )
        attrs = {"products": list(products.order_by(Product.id))}
        for product in attrs["products"]:
            attrs[f"offer_{product.id}"] = BooleanField(product.name)
            attrs[f"limit_{product.id}"] = WholeField(_l("Limit per order"))
        return type("CatalogProductsEditor", (ProductsEditor,), attrs)

    def build(self, spec, products):
        entries = {}
        for entry in spec.get("products") or []:
            product = products.get(entry_product_id(entry))
            if product is None or not product.active:
                continue
            entries[str(product.id)] = quantity_field(product.name, entry.get("limit"))
        quantities = type(
            f"ProductQuantities_{spec['name']}",
            (inputs.ProductQuantities,),
            {"required": bool(spec.get("required")), **entries},
        )
        return FormField(quantities, separator="-", **common(spec, default=False))

    def clean(self, field):
        return field.form.quantities()

    def summary(self, spec):
        return _("%(count)s products", count=len(spec.get("products") or []))

    def problems(self, spec):
        label, entries = field_label(spec), spec.get("products") or []
        if not entries:
            return [_l("“%(field)s” offers no products yet.", field=label)]
        try:
            ids = [entry_product_id(entry) for entry in entries]
        except (KeyError, TypeError, ValueError):
            return [_l("“%(field)s” has a product line without a product.", field=label)]
        found = {p.id: p for p in Product.select().where(Product.id.in_(ids))}
        return _product_problems(found, ids, label)

    def text(self, spec, value, names, *, iso_dates=False):
        return lines_text(
            (names.get(int(pid), f"#{pid}"), qty) for pid, qty in value.items() if qty
        )


def lines_text(items) -> str:
    """[(name, quantity), ...] -> "苹果 ×2; 梨 ×1"."""
    return "; ".join(f"{name} ×{quantity}" for name, quantity in items)
