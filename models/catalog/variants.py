"""Variants (规格): one product with options, like 苹果 500 g / 1 kg or 辣酱 原味 / 辣味.

Each variant is a product of its own (own SKU, price, cost price, unit, stock per warehouse,
batches, photos); what makes them one is their family (`Product.family`) and each one's option
label (`Product.option`). A variant's `name` stays the full name staff see everywhere, the
family's name and the option ("苹果 500 g"): these functions keep it whenever either changes,
so the board, the picking lists, the ledger and the purchase orders need nothing of families.
Order lines keep the name and price they were bought at.

Every change here locks the family's row first (models/db.py `locked`; SQLite's writes queue
anyway), then reads what it changes: two admins at once are served one after the other, and a
change made on what the admin saw (`seen`) raises FamilyChanged when the other one changed it
meanwhile, never overwrites it unseen.
"""

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from peewee import JOIN, IntegrityError, fn

from models.audit.log import record
from models.catalog.admin import (
    ProductDetails,
    ProductRow,
    SkuTaken,
    create_product,
    sku_holder,
)
from models.catalog.products import Product, ProductFamily, Stock
from models.db import db, locked
from models.errors import DomainError

OPTION_MAX, FAMILY_MAX = 40, 80
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class BadOption(DomainError):
    message = _l(
        "Enter an option of at most %(max)s characters, e.g. 500 g or 辣味.", max=OPTION_MAX
    )


class BadFamilyName(DomainError):
    message = _l("Enter a name of at most %(max)s characters.", max=FAMILY_MAX)


class OptionTaken(DomainError):
    message = _l("Another variant of this product already has this option.")


class FamilyChanged(DomainError):
    message = _l(
        "Another admin changed this product's variants a moment ago. Reload the page and try again."
    )


class NotInFamily(DomainError):
    message = _l("This product has no variants.")


@dataclass(frozen=True)
class VariantDetails:
    """What the "Add a variant" form gives; fen. An empty unit: the family's (the product's)."""

    option: str
    sku: str
    price: int
    unit: str = ""
    cost_price: int | None = None


def variant_name(family_name: str, option: str) -> str:
    """The name staff see: "苹果" and "500 g" -> "苹果 500 g"."""
    return f"{family_name} {option}".strip()


def _cleaned(text, most: int) -> str | None:
    """`text` with its runs of spaces made one, or None when empty, too long or holding a
    control character."""
    text = " ".join(str(text or "").split())
    if not text or len(text) > most or CONTROL.search(text):
        return None
    return text


def clean_option(option) -> str:
    cleaned = _cleaned(option, OPTION_MAX)
    if cleaned is None:
        raise BadOption()
    return cleaned


def clean_family_name(name) -> str:
    cleaned = _cleaned(name, FAMILY_MAX)
    if cleaned is None:
        raise BadFamilyName()
    return cleaned


def variants_of(family_id: int | None) -> list[Product]:
    """The family's variants, oldest first (the order the forms offer them in)."""
    if family_id is None:
        return []
    return list(Product.select().where(Product.family == family_id).order_by(Product.id))


def _locked_family(family_id: int) -> ProductFamily:
    found = locked(ProductFamily.select().where(ProductFamily.id == family_id)).first()
    if found is None:
        raise FamilyChanged()
    return found


def _refuse_taken_option(family_id: int, option: str, other_than: int | None = None) -> None:
    query = Product.select().where(Product.family == family_id, Product.option == option)
    if other_than is not None:
        query = query.where(Product.id != other_than)
    if query.exists():
        raise OptionTaken()


def _refuse_taken_sku(sku: str) -> None:
    holder = sku_holder(sku)
    if holder is not None:
        raise SkuTaken(sku, holder)


def _new_variant(family: ProductFamily, like: Product, details: VariantDetails, by) -> Product:
    """A product for `details` in `family`, with `like`'s category, description and (unless
    given) unit. Inside the caller's transaction."""
    option = clean_option(details.option)
    _refuse_taken_option(family.id, option)
    product = create_product(
        ProductDetails(
            name=variant_name(family.name, option),
            sku=details.sku,
            price=details.price,
            cost_price=details.cost_price,
            unit=details.unit or like.unit,
            description=like.description,
            tracks_stock=like.tracks_stock,
            active=True,
            category_id=like.category_id,
        ),
        by=by,
    )
    Product.update(family=family.id, option=option).where(Product.id == product.id).execute()
    return Product.get_by_id(product.id)


def _sku_safe(write, sku: str):
    """`write()`; a SKU another admin took meanwhile comes back as SkuTaken."""
    try:
        return write()
    except IntegrityError:
        _refuse_taken_sku(sku)
        raise


def make_family(product: Product, first_option: str, variant: VariantDetails, by=None) -> Product:
    """Make `product` the first variant of a new family named as it is now, with option
    `first_option`, and add `variant` to it. The new variant. Raises BadOption, OptionTaken,
    SkuTaken, FamilyChanged (someone made it a family meanwhile)."""
    first_option = clean_option(first_option)
    if clean_option(variant.option) == first_option:
        raise OptionTaken()
    _refuse_taken_sku(variant.sku)

    def write():
        with db.atomic():
            current = locked(Product.select().where(Product.id == product.id)).first()
            if current is None or current.family_id is not None:
                raise FamilyChanged()
            family = ProductFamily.create(name=clean_family_name(current.name))
            name = variant_name(family.name, first_option)
            Product.update(family=family.id, option=first_option, name=name).where(
                Product.id == current.id
            ).execute()
            record("family.created", f"{family.name} #{family.id}", after={"first": current.id})
            return _new_variant(family, current, variant, by)

    return _sku_safe(write, variant.sku)


def add_variant(family: ProductFamily, variant: VariantDetails, by=None) -> Product:
    """Add a variant to `family`, like its first one. Raises BadOption, OptionTaken (also when
    another admin just added the same option), SkuTaken, FamilyChanged (the family is gone)."""
    clean_option(variant.option)
    _refuse_taken_sku(variant.sku)

    def write():
        with db.atomic():
            current = _locked_family(family.id)
            like = Product.select().where(Product.family == current.id).order_by(Product.id)
            first = like.first()
            if first is None:
                raise FamilyChanged()
            return _new_variant(current, first, variant, by)

    return _sku_safe(write, variant.sku)


def rename_family(family: ProductFamily, name: str, *, seen: str) -> None:
    """Name the family `name` and every variant after it. `seen`: the name the admin changed;
    FamilyChanged when it is no longer the family's."""
    name = clean_family_name(name)
    with db.atomic():
        current = _locked_family(family.id)
        if current.name != seen:
            raise FamilyChanged()
        ProductFamily.update(name=name).where(ProductFamily.id == current.id).execute()
        for product in variants_of(current.id):
            Product.update(name=variant_name(name, product.option)).where(
                Product.id == product.id
            ).execute()
        record("family.renamed", f"#{current.id}", before={"name": seen}, after={"name": name})


def change_option(product: Product, option: str, *, seen: str) -> None:
    """Give variant `product` the option `option` (its name follows). `seen`: the option the
    admin changed. Raises BadOption, OptionTaken, NotInFamily, FamilyChanged."""
    option = clean_option(option)
    if product.family_id is None:
        raise NotInFamily()
    with db.atomic():
        family = _locked_family(product.family_id)
        current = Product.select().where(Product.id == product.id).first()
        if current is None or current.family_id != family.id or current.option != seen:
            raise FamilyChanged()
        _refuse_taken_option(family.id, option, other_than=current.id)
        Product.update(option=option, name=variant_name(family.name, option)).where(
            Product.id == current.id
        ).execute()
        record(
            "variant.option", f"#{current.id}", before={"option": seen}, after={"option": option}
        )


def leave_family(product: Product) -> None:
    """Make variant `product` a product of its own again (keeping its full name); the family
    goes with its last variant."""
    if product.family_id is None:
        raise NotInFamily()
    with db.atomic():
        family = _locked_family(product.family_id)
        Product.update(family=None, option="").where(
            Product.id == product.id, Product.family == family.id
        ).execute()
        if not Product.select().where(Product.family == family.id).exists():
            ProductFamily.delete().where(ProductFamily.id == family.id).execute()
        record("variant.left", f"#{product.id}", before={"family": family.id})


def gather_family(family_id: int | None, name: str, members: list[tuple[int, str]]) -> int:
    """The product sheet's variants (models/exports/product_sheet/applying.py): `members`
    (product id, option) made variants of family `family_id` (None: a new one) named `name`,
    each named after it; the families they leave go when left empty. The family's id."""
    name = clean_family_name(name)
    with db.atomic():
        if family_id is None:
            family = ProductFamily.create(name=name)
        else:
            family = _locked_family(family_id)
            if family.name != name:
                ProductFamily.update(name=name).where(ProductFamily.id == family.id).execute()
                for product in variants_of(family.id):
                    Product.update(name=variant_name(name, product.option)).where(
                        Product.id == product.id
                    ).execute()
        ids = [product_id for product_id, _option in members]
        left = {p.family_id for p in Product.select(Product.family).where(Product.id.in_(ids))}
        for product_id, option in members:
            option = clean_option(option)
            Product.update(family=family.id, option=option, name=variant_name(name, option)).where(
                Product.id == product_id
            ).execute()
        for old in left - {None, family.id}:
            if not Product.select().where(Product.family == old).exists():
                ProductFamily.delete().where(ProductFamily.id == old).execute()
        record("family.imported", f"{name} #{family.id}", after={"variants": ids})
    return family.id


def family_rows(family_id: int | None) -> list[ProductRow]:
    """The family's variants, oldest first, each with its stock summed over warehouses: one
    query."""
    if family_id is None:
        return []
    query = (
        Product.select(
            Product,
            fn.COALESCE(fn.SUM(Stock.on_hand), 0).alias("total_on_hand"),
            fn.COALESCE(fn.SUM(Stock.reserved), 0).alias("total_reserved"),
        )
        .join(Stock, JOIN.LEFT_OUTER, on=(Stock.product == Product.id))
        .where(Product.family == family_id)
        .group_by(Product.id)
        .order_by(Product.id)
    )
    return [ProductRow(p, int(p.total_on_hand), int(p.total_reserved)) for p in query]
