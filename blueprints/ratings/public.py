"""The photos of the ratings an activity's public page shows (/f/<slug>, "What customers say"):
served to anyone while the rating is shown there (the form's `show_ratings` on, the rating among
the newest shown), else 404 (models/ratings/queries.py shown_photo)."""

from flask import Blueprint, abort

from blueprints.images import image_response
from models.activities.published import find_activity
from models.ratings.queries import shown_photo

bp = Blueprint("ratings_public", __name__, url_prefix="/f")


@bp.get("/<slug>/ratings/photos/<name>")
def photo(slug: str, name: str):
    found = find_activity(slug)
    if found is None or not shown_photo(found[1], name):
        abort(404)
    return image_response(name)
