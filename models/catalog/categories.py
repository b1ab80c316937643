"""Categories (/admin/products/categories): the headings the order forms group products under.

A product has at most one category (`Product.category`). Admins add, rename, order (up and
down) and delete categories; deleting one that still has products leaves them without a
category (the database's ON DELETE SET NULL), never deletes a product.
"""

from flask_babel import lazy_gettext as _l
from peewee import JOIN, IntegrityError, fn

from models.audit.log import record
from models.catalog.products import Category, Product
from models.db import db, locked
from models.errors import DomainError

NAME_MAX = 40


class CategoryTaken(DomainError):
    message = _l("Another category already has this name.")


class BadCategoryName(DomainError):
    message = _l("Enter a name of at most %(max)s characters.", max=NAME_MAX)


def category_list() -> list[Category]:
    """Every category in its order, each with `product_count`."""
    count = fn.COUNT(Product.id)
    query = (
        Category.select(Category, count.alias("product_count"))
        .join(Product, JOIN.LEFT_OUTER, on=(Product.category == Category.id))
        .group_by(Category.id)
        .order_by(Category.position, Category.id)
    )
    return list(query)


def _clean(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise BadCategoryName()
    return name


def _refuse_taken(name: str, other_than: int | None = None) -> None:
    query = Category.select().where(fn.LOWER(Category.name) == name.lower())
    if other_than is not None:
        query = query.where(Category.id != other_than)
    if query.exists():
        raise CategoryTaken()


def create_category(name: str) -> Category:
    """A new category, last in the order. Raises CategoryTaken, BadCategoryName."""
    name = _clean(name)
    _refuse_taken(name)
    try:
        with db.atomic():
            last = Category.select(fn.MAX(Category.position)).scalar() or 0
            category = Category.create(name=name, position=last + 1)
            record("category.created", name)
    except IntegrityError as error:  # another admin added the name a moment ago
        raise CategoryTaken() from error
    return category


def rename_category(category: Category, name: str) -> None:
    name = _clean(name)
    _refuse_taken(name, category.id)
    try:
        with db.atomic():
            Category.update(name=name).where(Category.id == category.id).execute()
            record(
                "category.renamed",
                f"#{category.id}",
                before={"name": category.name},
                after={"name": name},
            )
    except IntegrityError as error:
        raise CategoryTaken() from error


def move_category(category: Category, step: int) -> None:
    """Swap `category` with its neighbour before (step -1) or after (+1); at an end, nothing.
    The whole order is read under a lock and written back numbered 1, 2, 3…"""
    with db.atomic():
        ids = [c.id for c in locked(Category.select().order_by(Category.position, Category.id))]
        if category.id not in ids:
            return
        at = ids.index(category.id)
        other = at + step
        if 0 <= other < len(ids):
            ids[at], ids[other] = ids[other], ids[at]
            for position, category_id in enumerate(ids, start=1):
                Category.update(position=position).where(Category.id == category_id).execute()


def delete_category(category: Category) -> int:
    """Delete `category`; its products keep selling, without a category. How many it had."""
    with db.atomic():
        had = Product.select().where(Product.category == category.id).count()
        Product.update(category=None).where(Product.category == category.id).execute()
        Category.delete().where(Category.id == category.id).execute()
        record("category.deleted", category.name, after={"products": had})
    return had


def category_choices() -> list[tuple[int, str]]:
    """(id, name) of every category in its order, for the product form."""
    return [(c.id, c.name) for c in Category.select().order_by(Category.position, Category.id)]
