"""A product's variants for admins (/admin/products/<id>/variants): add a variant (the first
one makes the product a family), rename the family, change this variant's option, take it out
of its family. The rules: models/catalog/variants.py. Every form posts and redirects back to
the product (303; htmx: HX-Redirect, since the names on the page change); a refused one comes
back in the section with its input and errors (422)."""

from flask import Blueprint, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import role_required
from blueprints.rendering import go, or_404, render, wants_fragment
from forms.product import FamilyForm, OptionForm, VariantForm
from models.catalog.admin import SkuTaken
from models.catalog.products import Product, ProductFamily
from models.catalog.variants import (
    BadOption,
    OptionTaken,
    add_variant,
    change_option,
    family_rows,
    leave_family,
    make_family,
    rename_family,
)
from models.errors import DomainError

bp = Blueprint("product_variants", __name__, url_prefix="/admin/products")

PAGE, SECTION = "product_variants/page.html", "product_variants/_variants.html"


def _product(product_id: int) -> Product:
    return or_404(Product.get_or_none(Product.id == product_id))


def _new_form(product: Product, formdata=None) -> VariantForm:
    form = VariantForm(formdata=formdata, prefix="variant")
    if product.family_id is not None:
        del form.first_option  # the product has its option already
    return form


def variant_context(product: Product, **forms) -> dict:
    """What the variants section needs (the product page includes it too); `forms`: the one
    just refused (variant_form, family_form or option_form), with its input and errors."""
    family = (
        ProductFamily.get_or_none(ProductFamily.id == product.family_id)
        if product.family_id is not None
        else None
    )
    context = {
        "family": family,
        "variant_rows": family_rows(product.family_id),
        "variant_form": _new_form(product),
        "family_form": FamilyForm(
            formdata=None, prefix="family", data={"name": family.name, "seen": family.name}
        )
        if family
        else None,
        "option_form": OptionForm(
            formdata=None, prefix="option", data={"option": product.option, "seen": product.option}
        ),
        "variant_problem": None,
    }
    return context | forms


def _refused(product: Product, **forms):
    return render(PAGE, SECTION, 422, product=product, **variant_context(product, **forms))


def _done(product: Product, message: str):
    """Back to the product page, at the variants; htmx loads it whole (the names on it change),
    from a URL without the anchor, which the browser would only scroll to."""
    flash(message)
    anchor = None if wants_fragment() else "variants"
    return go(url_for("products.show", product_id=product.id, _anchor=anchor))


@bp.get("/<id:product_id>/variants")
@role_required("admin")
def show(product_id: int):
    product = _product(product_id)
    return render(PAGE, SECTION, product=product, **variant_context(product))


@bp.post("/<id:product_id>/variants")
@role_required("admin")
def add(product_id: int):
    product = _product(product_id)
    form = _new_form(product, request.form)
    if form.validate_on_submit():
        try:
            by = current_user._get_current_object()
            if product.family_id is None:
                variant = make_family(product, form.first_option.data, form.details(), by=by)
            else:
                variant = add_variant(product.family, form.details(), by=by)
        except SkuTaken as error:
            form.sku.errors.append(str(error))
        except (BadOption, OptionTaken) as error:
            form.option.errors.append(str(error))
        except DomainError as error:
            return _refused(product, variant_form=form, variant_problem=str(error))
        else:
            return _done(product, _("“%(name)s” added.", name=variant.name))
    return _refused(product, variant_form=form)


@bp.post("/<id:product_id>/variants/name")
@role_required("admin")
def rename(product_id: int):
    product = _product(product_id)
    if product.family_id is None:
        return go(url_for("products.show", product_id=product.id))
    form = FamilyForm(request.form, prefix="family")
    if form.validate_on_submit():
        try:
            rename_family(product.family, form.name.data, seen=form.seen.data or "")
        except DomainError as error:
            form.name.errors.append(str(error))
        else:
            return _done(product, _("“%(name)s” saved.", name=form.name.data))
    return _refused(product, family_form=form)


@bp.post("/<id:product_id>/variants/option")
@role_required("admin")
def option(product_id: int):
    product = _product(product_id)
    form = OptionForm(request.form, prefix="option")
    if form.validate_on_submit():
        try:
            change_option(product, form.option.data, seen=form.seen.data or "")
        except DomainError as error:
            form.option.errors.append(str(error))
        else:
            return _done(product, _("“%(name)s” saved.", name=form.option.data))
    return _refused(product, option_form=form)


@bp.post("/<id:product_id>/variants/leave")
@role_required("admin")
def leave(product_id: int):
    product = _product(product_id)
    try:
        leave_family(product)
    except DomainError as error:
        return _refused(product, variant_problem=str(error))
    return _done(product, _("“%(name)s” is a product of its own now.", name=product.name))
