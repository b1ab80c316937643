"""What an order form shows of the catalog besides names and prices: each product's cover
photo, and the products grouped under their category's heading (models/catalog/categories.py).

Two queries for a whole form, however many products it offers.
"""

from dataclasses import dataclass

from models.catalog.photos import ProductPhoto, covers
from models.catalog.products import Category, Product

PHONE_WIDTH = 80  # CSS px, the cover's width beside a product line (static/css/order.css)


@dataclass(frozen=True)
class Showcase:
    covers: dict[int, ProductPhoto]
    categories: dict[int, Category]  # {product id: its category}, products with one

    def cover(self, product_id: int) -> ProductPhoto | None:
        return self.covers.get(product_id)

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


def showcase(products: dict[int, Product]) -> Showcase:
    category_ids = {p.category_id for p in products.values() if p.category_id}
    categories = (
        {c.id: c for c in Category.select().where(Category.id.in_(list(category_ids)))}
        if category_ids
        else {}
    )
    return Showcase(
        covers=covers(products),
        categories={
            pid: categories[p.category_id]
            for pid, p in products.items()
            if p.category_id in categories
        },
    )
