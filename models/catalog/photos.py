"""Product photos: up to MAX_PHOTOS per product, in the admin's order; the first is the cover
the order forms show.

An upload goes through models/uploads.py `save_widths`: its content is checked (never its
name), it is decoded once within the pixel limit, EXIF dropped, and kept at each of WIDTHS
(narrower copies for phones, wider for big screens) as WebP, or JPEG where Pillow lacks WebP.
The encoding happens before the transaction; the photo count is checked under a lock of the
product's row, so two uploads at once never make seven photos, and what a refused upload
wrote is removed.
"""

from flask_babel import lazy_gettext as _l
from peewee import ForeignKeyField, IntegerField, JSONField

from models.audit.log import record
from models.base import BaseModel
from models.catalog.products import Product
from models.db import db, locked
from models.errors import DomainError
from models.uploads import remove_images, save_widths

MAX_PHOTOS = 6
WIDTHS = (160, 320, 640)  # px; the order form's 80 px thumbnail takes 160 on a DPR 2 phone


class TooManyPhotos(DomainError):
    message = _l("A product has at most %(count)s photos.", count=MAX_PHOTOS)


class ProductPhoto(BaseModel):
    """`widths`: [[width, height, stored name], …], narrowest first."""

    product = ForeignKeyField(Product, backref="photos", on_delete="CASCADE")
    position = IntegerField(default=0)
    widths = JSONField(default=list)

    class Meta:
        table_name = "product_photo"
        indexes = ((("product", "position"), False),)

    @property
    def smallest(self) -> tuple[int, int, str]:
        return tuple(self.widths[0])

    def name_at(self, width: int) -> str | None:
        return next((name for w, _h, name in self.widths if w == width), None)


def product_photos(product: Product) -> list[ProductPhoto]:
    return list(
        ProductPhoto.select()
        .where(ProductPhoto.product == product.id)
        .order_by(ProductPhoto.position, ProductPhoto.id)
    )


def covers(product_ids) -> dict[int, ProductPhoto]:
    """{product id: its first photo} for those of `product_ids` that have one; one query."""
    ids = list(product_ids)
    if not ids:
        return {}
    query = (
        ProductPhoto.select()
        .where(ProductPhoto.product.in_(ids))
        .order_by(ProductPhoto.product, ProductPhoto.position, ProductPhoto.id)
    )
    found: dict[int, ProductPhoto] = {}
    for photo in query:
        found.setdefault(photo.product_id, photo)
    return found


def add_photos(product: Product, uploads: list[bytes]) -> list[ProductPhoto]:
    """Keep `uploads` as the product's last photos. Raises BadImage (models/uploads.py) for the
    first that is not a usable image, TooManyPhotos past MAX_PHOTOS; then nothing is kept."""
    kept: list[list] = []
    try:
        for data in uploads:
            kept.append([list(size) for size in save_widths(data, WIDTHS)])
        with db.atomic():
            locked(Product.select().where(Product.id == product.id)).get()
            photos = product_photos(product)
            if len(photos) + len(kept) > MAX_PHOTOS:
                raise TooManyPhotos()
            last = photos[-1].position if photos else 0
            added = [
                ProductPhoto.create(product=product.id, position=last + n, widths=widths)
                for n, widths in enumerate(kept, start=1)
            ]
            record("product.photos_added", f"#{product.id}", after={"photos": len(added)})
    except BaseException:
        remove_images(name for widths in kept for _w, _h, name in widths)
        raise
    return added


def delete_photo(photo: ProductPhoto) -> None:
    """Delete the photo and its stored files; the next one becomes the cover if it was."""
    with db.atomic():
        gone = ProductPhoto.delete().where(ProductPhoto.id == photo.id).execute()
        if gone:
            record("product.photo_deleted", f"#{photo.product_id}", before={"photo": photo.id})
    if gone:
        remove_images(name for _w, _h, name in photo.widths)


def move_photo(photo: ProductPhoto, step: int) -> None:
    """Swap the photo with its neighbour before (step -1: towards the cover) or after (+1)."""
    with db.atomic():
        locked(Product.select().where(Product.id == photo.product_id)).get()
        ids = [p.id for p in product_photos(photo.product)]
        if photo.id not in ids:
            return
        at = ids.index(photo.id)
        if 0 <= at + step < len(ids):
            ids[at], ids[at + step] = ids[at + step], ids[at]
            for position, photo_id in enumerate(ids, start=1):
                ProductPhoto.update(position=position).where(ProductPhoto.id == photo_id).execute()
