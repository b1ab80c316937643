"""Variants in the product sheet (models/exports/product_sheet/checking.py): a row's `Family`
and `Option` cells, and the rows naming one family (any case) joined: to the family one of their
products is in already, else to the catalog's only family of that name, else a new one. An
option twice in one family is an error of the row that repeats it.
"""

from dataclasses import replace

from flask_babel import gettext as _
from peewee import fn

from models.catalog.products import Product, ProductFamily
from models.catalog.variants import variant_name


def variant_cells(row) -> None:
    """The row's family and option, with their spaces made one; both or neither."""
    if "family" not in row.cells and "option" not in row.cells:
        return
    family = " ".join(row.cells.get("family", "").split())
    option = " ".join(row.cells.get("option", "").split())
    if option and not family:
        row.fail("family", _("Give the name this product's variants share, or empty the option."))
    elif family and not option:
        row.fail("option", _("Give this variant's option, e.g. 500 g."))
    row.family, row.option = family, option


def join_families(rows: list, context) -> None:
    """The rows naming one family (any case) joined: to the family one of their products is
    in already, named as the first row spells it; an option twice in a family is an error."""
    groups: dict[str, list] = {}
    for row in rows:
        if row.family and not row.errors:
            groups.setdefault(row.family.casefold(), []).append(row)
    in_file = set(context.seen)
    named = _named_families(groups, context)
    for key, group in groups.items():
        name = group[0].family
        family = next(
            (
                context.families[r.product.family_id]
                for r in group
                if r.product and r.product.family_id in context.families
                if context.families[r.product.family_id].name.casefold() == key
            ),
            None,
        )
        if family is None and len(named.get(key, [])) > 1:
            for row in group:
                row.fail("family", _("Several products with variants have this name."))
            continue
        family = family or (named[key][0] if key in named else None)
        taken = {
            p.option: p.sku
            for p in (context.variants.get(family.id, []) if family else [])
            if p.sku not in in_file
        }
        for row in group:
            if row.option in taken:
                row.fail("option", _("“%(sku)s” has this option too.", sku=taken[row.option]))
                continue
            taken[row.option] = row.cells.get("sku", "")
            row.family, row.family_id = name, family.id if family else None
            row.details = replace(row.details, name=variant_name(name, row.option))
            product = row.product
            if product and (product.family_id, product.option) != (row.family_id, row.option):
                row.changes.append(
                    _("variant of “%(name)s”: %(option)s", name=name, option=row.option)
                )
            elif product and family and family.name != name:
                row.changes.append(_("family name"))
    for row in rows:
        if row.family == "" and row.product and row.product.family_id and not row.errors:
            row.changes.append(_("no longer a variant"))


def _named_families(groups: dict, context) -> dict[str, list[ProductFamily]]:
    """The catalog's families by name (casefolded) among the file's, with their variants put in
    `context`: a new variant's row may name its family alone. Two queries."""
    if not groups:
        return {}
    lowered = list({key.lower() for key in groups} | {g[0].family.lower() for g in groups.values()})
    named: dict[str, list[ProductFamily]] = {}
    for family in ProductFamily.select().where(fn.LOWER(ProductFamily.name).in_(lowered)):
        if family.name.casefold() in groups:
            named.setdefault(family.name.casefold(), []).append(family)
    ids = [f.id for found in named.values() for f in found if f.id not in context.variants]
    for variant in Product.select().where(Product.family.in_(ids)) if ids else []:
        context.variants.setdefault(variant.family_id, []).append(variant)
    return named
