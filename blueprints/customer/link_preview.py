"""The link preview of an activity: the card image chat apps show beside a shared /f/<slug>
link (the page's Open Graph tags, templates/ordering/_preview_meta.html, point at it)."""

from flask import Blueprint, abort, current_app, make_response, request
from flask_babel import force_locale

from models.activities.activity import load_activity
from models.storefront.card import card_png
from models.storefront.link_preview import Preview, preview_for

bp = Blueprint("link_preview", __name__, url_prefix="/f")

CARD_MAX_AGE = 3600  # the page links it with ?v=<version>: a new version is a new URL


def preview_of(activity) -> Preview:
    """The activity's preview (title, description, the card's facts) in the page's language."""
    return preview_for(activity, current_app.config["SHOP_NAME"])


@bp.get("/<slug>/card.png")
def card(slug):
    """The card of a published activity (1200×630 PNG); 304 when the browser has it. In the
    shop's language, whoever asks: one URL, one image, for chat apps' and proxies' caches."""
    activity = load_activity(slug)
    if activity is None:
        abort(404)
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        preview = preview_of(activity)
    response = make_response(card_png(preview))
    response.mimetype = "image/png"
    response.set_etag(preview.key)
    response.cache_control.public = True
    response.cache_control.max_age = CARD_MAX_AGE
    return response.make_conditional(request)
