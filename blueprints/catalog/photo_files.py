"""A product photo's file at one of its widths (/photos/<id>/<width>), for anyone: the order
forms show them. Only widths a product photo has are served, never another upload by name;
a photo's file never changes, so browsers and proxies may keep it."""

from flask import Blueprint

from blueprints.images import image_response
from blueprints.rendering import or_404
from models.catalog.photos import ProductPhoto

bp = Blueprint("photo_files", __name__)

KEEP = "public, max-age=31536000, immutable"


@bp.get("/photos/<id:photo_id>/<id:width>")
def photo(photo_id: int, width: int):
    found = or_404(ProductPhoto.get_or_none(ProductPhoto.id == photo_id))
    response = image_response(or_404(found.name_at(width)))
    response.headers["Cache-Control"] = KEEP
    return response
