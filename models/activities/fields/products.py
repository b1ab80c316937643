"""Product lines: the products a goods form offers, each with a quantity, an optional
per-order limit and optional group prices (阶梯价). A spec's `products` entries are
{"product_id": id, "limit": n, "tiers": [[units, fen], ...]}; read them with
`entry_product_id` / `offered_ids` / `price_tiers`, never by hand."""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import JOIN
from wtforms import BooleanField, FormField

from models.activities.fields import inputs
from models.activities.fields.base import FieldType, common, field_label, register
from models.activities.fields.editor import FieldEditor, WholeField
from models.activities.fields.inputs import ParsedTextField
from models.catalog.products import Product, ProductFamily
from models.money import amount_text, typed_amount

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


def price_tiers(fields: list[dict]) -> dict[int, list[tuple[int, int]]]:
    """{product id: [(units, price in fen), ...] by units} for the products with group
    prices: from `units` units ordered in the whole activity, the product costs `price`."""
    return {
        entry_product_id(entry): sorted((int(u), int(p)) for u, p in entry["tiers"])
        for spec in fields or []
        if spec.get("type") == PRODUCTS
        for entry in spec.get("products") or []
        if entry.get("tiers")
    }


TIER = re.compile(r"(\d{1,6})\s*[=＝:：]\s*(\S+)")


class TiersField(ParsedTextField):
    """Group prices typed as "10=18, 30=15.50": from 10 units ¥18, from 30 units ¥15.50."""

    def parse(self, text):
        parts = [p for p in re.split(r"[,，;；\s]+(?=\d+\s*[=＝:：])", text.strip()) if p]
        tiers = []
        for part in parts:
            match = TIER.fullmatch(part.strip().rstrip(",，"))
            fen = match and typed_amount(match.group(2))
            if not match or fen is None or int(match.group(1)) < 2:
                raise ValueError(_l("Write each group price as units=price, like 10=18, 30=15.50."))
            tiers.append([int(match.group(1)), fen])
        if len({units for units, _price in tiers}) != len(tiers):
            raise ValueError(_l("Give each number of units one price."))
        return sorted(tiers)

    def format(self, value) -> str:
        return ", ".join(f"{units}={amount_text(price)}" for units, price in value)


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


def by_family(products) -> list[Product]:
    """`products` in their order, but the variants of a family (models/catalog/variants.py)
    together where the first of them stands: the editor lists them under the family's name."""
    first: dict[int, int] = {}
    for at, product in enumerate(products):
        if product.family_id is not None:
            first.setdefault(product.family_id, at)
    order = list(products)
    return sorted(order, key=lambda p: (first.get(p.family_id, order.index(p)), order.index(p)))


class ProductsEditor(FieldEditor):
    """Subclassed per catalog by `Products.editor_for`: an offer box and a limit per product."""

    products: list[Product] = []

    def initial(self, spec):
        data = super().initial(spec)
        for entry in spec.get("products") or []:
            data[f"offer_{entry_product_id(entry)}"] = True
            data[f"limit_{entry_product_id(entry)}"] = entry.get("limit")
            data[f"tiers_{entry_product_id(entry)}"] = entry.get("tiers")
        return data

    def lines(self):
        """(product, offer box, limit input, group prices input) for the template."""
        return [
            (p, self[f"offer_{p.id}"], self[f"limit_{p.id}"], self[f"tiers_{p.id}"])
            for p in self.products
        ]

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not any(offer.data for _, offer, _, _ in self.lines()):
            self.form_errors.append(_l("Tick at least one product."))
            return False
        return ok

    def own_values(self):
        chosen = {
            p.id: {"limit": limit.data, "tiers": tiers.data}
            for p, offer, limit, tiers in self.lines()
            if offer.data
        }
        earlier = offered_ids([self.spec])
        order = [i for i in earlier if i in chosen] + [i for i in chosen if i not in earlier]
        return {
            "products": [
                {"product_id": i, **{k: v for k, v in chosen[i].items() if v}} for i in order
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
        products = (
            Product.select(Product, ProductFamily)
            .join(ProductFamily, JOIN.LEFT_OUTER)
            .where((Product.active == True) | Product.id.in_(offered))  # noqa: E712
        )
        attrs = {"products": by_family(products.order_by(Product.id))}
        for product in attrs["products"]:
            attrs[f"offer_{product.id}"] = BooleanField(product.name)
            attrs[f"limit_{product.id}"] = WholeField(_l("Limit per order"))
            attrs[f"tiers_{product.id}"] = TiersField(_l("Group prices"))
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
