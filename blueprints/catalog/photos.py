"""A product's photos for admins (/admin/products/<id>/photos): upload (a plain multipart
form; htmx swaps the section), move towards the cover or away, delete. The rules and limits:
models/catalog/photos.py. A refused upload comes back in the section with HTTP 422."""

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _

from blueprints.access import role_required
from blueprints.rendering import or_404, render, wants_fragment
from forms.product import PhotoForm
from models.catalog.photos import (
    MAX_PHOTOS,
    ProductPhoto,
    add_photos,
    delete_photo,
    move_photo,
    product_photos,
)
from models.catalog.products import Product
from models.errors import DomainError

bp = Blueprint("product_photos", __name__, url_prefix="/admin/products")

PAGE, SECTION = "product_photos/page.html", "product_photos/_photos.html"
STEPS = {"up": -1, "down": 1}


def _product(product_id: int) -> Product:
    return or_404(Product.get_or_none(Product.id == product_id))


def _photo(product: Product, photo_id: int) -> ProductPhoto:
    return or_404(
        ProductPhoto.get_or_none(ProductPhoto.id == photo_id, ProductPhoto.product == product.id)
    )


def photo_context(product: Product, form=None) -> dict:
    """What the photos section needs (the product page includes it too)."""
    return {
        "photos": product_photos(product),
        "photo_form": form or PhotoForm(formdata=None),
        "max_photos": MAX_PHOTOS,
    }


def _section(product: Product, status: int = 200, form=None, notice=None):
    context = photo_context(product, form)
    return render(PAGE, SECTION, status, product=product, notice=notice, **context)


def _done(product: Product, message: str):
    if wants_fragment():
        return _section(product, notice=message)
    flash(message)
    return redirect(url_for("products.show", product_id=product.id, _anchor="photos"), 303)


@bp.get("/<id:product_id>/photos")
@role_required("admin")
def index(product_id: int):
    return _section(_product(product_id))


@bp.post("/<id:product_id>/photos")
@role_required("admin")
def upload(product_id: int):
    product = _product(product_id)
    form = PhotoForm()
    if form.validate_on_submit():
        uploads = form.photo_bytes()
        if not uploads:
            form.photos.errors.append(_("Choose a photo."))
        else:
            try:
                add_photos(product, uploads)
            except DomainError as error:
                form.photos.errors.append(str(error))
            else:
                return _done(product, _("Photos added: %(count)s.", count=len(uploads)))
    return _section(product, 422, form=form)


@bp.post("/<id:product_id>/photos/<id:photo_id>/<any(up, down):direction>")
@role_required("admin")
def move(product_id: int, photo_id: int, direction: str):
    product = _product(product_id)
    move_photo(_photo(product, photo_id), STEPS[direction])
    return _done(product, _("Order saved."))


@bp.post("/<id:product_id>/photos/<id:photo_id>/delete")
@role_required("admin")
def delete(product_id: int, photo_id: int):
    product = _product(product_id)
    delete_photo(_photo(product, photo_id))
    return _done(product, _("Photo deleted."))
