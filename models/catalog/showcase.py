"""What an order form shows of the catalog besides names and prices: each product's cover
photo, the products grouped under their category's heading (models/catalog/categories.py),
and the variants of one family (models/catalog/variants.py) together as one product card.

Three queries for a whole form, however many products it offers.
"""

from dataclasses import dataclass, field

from models.catalog.photos import ProductPhoto, covers
from models.catalog.products import Category, Product, ProductFamily

PHONE_WIDTH = 80  # CSS px, the cover's width beside a product line (static/css/order.css)


@dataclass(frozen=True)
class Showcase:
    covers: dict[int, ProductPhoto]
    categories: dict[int, Category]  # {product id: its category}, products with one
    families: dict[int, ProductFamily] = field(default_factory=dict)  # {product id: its family}

    def cover(self, product_id: int) -> ProductPhoto | None:
        return self.covers.get(product_id)

    def family_cover(self, lines) -> ProductPhoto | None:
        """The cover of a family's card: the first of its variants' (`lines`) that has one."""
        return next((c for line in lines if (c := self.cover(int(line.short_name)))), None)

    def groups(self, lines) -> list[tuple[Category | None, list]]:
        """`lines` (each named by its product id) under their categories, in the categories'
        order, those without one last (under None); one group under None when no line has a
        category. Lines keep the form's order within a group."""
        grouped: dict[int | None, list] = {}
        for line in lines:
            category = self.categories.get(int(line.short_name))
            grouped.setdefault(category.id if category else None, []).append(line)
        if list(grouped) == [None]:
            return [(None, grouped[None])]
        by_id = {c.id: c for c in self.categories.values()}
        order = sorted((k for k in grouped if k is not None), key=lambda k: (by_id[k].position, k))
        return [(by_id[k], grouped[k]) for k in order] + (
            [(None, grouped[None])] if None in grouped else []
        )

    def cards(self, lines) -> list[tuple[ProductFamily | None, list]]:
        """`lines` as product cards: (None, [line]) for a product of its own, (family, its
        lines) for the variants of one family, all together where its first one stands."""
        cards: list[tuple[ProductFamily | None, list]] = []
        at: dict[int, int] = {}
        for line in lines:
            family = self.families.get(int(line.short_name))
            if family is None:
                cards.append((None, [line]))
            elif family.id in at:
                cards[at[family.id]][1].append(line)
            else:
                at[family.id] = len(cards)
                cards.append((family, [line]))
        return cards


def showcase(products: dict[int, Product]) -> Showcase:
    category_ids = {p.category_id for p in products.values() if p.category_id}
    categories = (
        {c.id: c for c in Category.select().where(Category.id.in_(list(category_ids)))}
        if category_ids
        else {}
    )
    family_ids = {p.family_id for p in products.values() if p.family_id}
    families = (
        {f.id: f for f in ProductFamily.select().where(ProductFamily.id.in_(list(family_ids)))}
        if family_ids
        else {}
    )
    return Showcase(
        covers=covers(products),
        categories={
            pid: categories[p.category_id]
            for pid, p in products.items()
            if p.category_id in categories
        },
        families={
            pid: families[p.family_id] for pid, p in products.items() if p.family_id in families
        },
    )
