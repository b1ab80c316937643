"""The products staff enter an order of, as the customer's form shows them: in the form's order,
the variants of a family (models/catalog/variants.py) together where the first of them stands,
under the family's name (models/catalog/showcase.py `cards`)."""

from dataclasses import dataclass

from models.activities.fields.products import offered_ids
from models.activities.published import offered_products
from models.activities.template import FormTemplateVersion
from models.catalog.products import Product, ProductFamily


@dataclass(frozen=True)
class ProductGroup:
    """A product of its own (`family` None, one product), or a family's variants it offers."""

    family: ProductFamily | None
    products: list[Product]


def product_groups(version: FormTemplateVersion) -> list[ProductGroup]:
    """The version's active products in groups; two queries (products, families)."""
    offered = offered_products(version)
    ordered = [offered[pid] for pid in offered_ids(version.fields) if pid in offered]
    family_ids = {p.family_id for p in ordered if p.family_id}
    families = (
        {f.id: f for f in ProductFamily.select().where(ProductFamily.id.in_(list(family_ids)))}
        if family_ids
        else {}
    )
    groups: list[ProductGroup] = []
    at: dict[int, int] = {}
    for product in ordered:
        family = families.get(product.family_id)
        if family is None:
            groups.append(ProductGroup(None, [product]))
        elif family.id in at:
            groups[at[family.id]].products.append(product)
        else:
            at[family.id] = len(groups)
            groups.append(ProductGroup(family, [product]))
    return groups
