"""Staff's ratings: every rating newest first, filtered by stars, in keyset pages, and the
shop's one reply to each (docs/after-sales.md, Ratings)."""

from flask import Blueprint, abort, url_for
from flask_login import current_user

from blueprints.access import role_required
from blueprints.images import image_response
from blueprints.params import arg_id, arg_number
from blueprints.rendering import go, or_404, render, wants_fragment
from forms.ratings import STAR_WORDS, reply_form
from models.errors import DomainError
from models.ratings.queries import average_stars, ratings_page, star_counts, with_details
from models.ratings.rating import Rating, RatingPhoto
from models.ratings.replying import AlreadyReplied, reply_to_rating

bp = Blueprint("ratings", __name__, url_prefix="/board/ratings")

PAGE, ROWS, ONE = "ratings/staff.html", "ratings/_staff_list.html", "ratings/_staff_rating.html"


def _stars_filter() -> int | None:
    return arg_number("stars", 0, low=0, high=5) or None


def _index(status: int = 200, failed: Rating | None = None, form=None, conflict: str = ""):
    stars = _stars_filter()
    rows, next_cursor = ratings_page(stars=stars, older_than=arg_id("older_than"))
    return render(
        PAGE,
        ROWS,
        status,
        ratings=rows,
        next_cursor=next_cursor,
        stars=stars,
        counts=star_counts(),
        average=average_stars(),
        star_words=STAR_WORDS,
        failed_id=failed.id if failed else None,
        failed_form=form,
        conflict=conflict,
        reply_form=_blank,
    )


def _blank(rating: Rating):
    return reply_form(rating.id, blank=True)


@bp.get("")
@role_required("staff")
def index():
    return _index()


def _one(rating: Rating, status: int, form=None, conflict: str = ""):
    """After a reply: the rating's own part for htmx, else the list (its first page)."""
    if wants_fragment():
        (rating,) = with_details([Rating.get_by_id(rating.id)])
        return render(
            ONE,
            ONE,
            status,
            rating=rating,
            failed_id=rating.id,
            failed_form=form,
            conflict=conflict,
            reply_form=_blank,
        )
    return _index(status, rating, form, conflict)


@bp.post("/<id:rating_id>/reply")
@role_required("staff")
def reply(rating_id):
    rating = or_404(Rating.get_or_none(Rating.id == rating_id))
    form = reply_form(rating.id)
    if not form.validate():
        return _one(rating, 422, form)
    try:
        reply_to_rating(rating.id, current_user._get_current_object(), form.reply.data)
    except AlreadyReplied as error:
        return _one(rating, 409, form, conflict=str(error))
    except DomainError as error:
        form.reply.errors = [str(error)]
        return _one(rating, 422, form)
    if wants_fragment():
        return _one(rating, 200)
    return go(url_for(".index", _anchor=f"rating-{rating.id}"))


@bp.get("/<id:rating_id>/photos/<name>")
@role_required("staff")
def photo(rating_id, name):
    found = RatingPhoto.select().where(
        RatingPhoto.rating == rating_id,
        (RatingPhoto.image == name) | (RatingPhoto.thumbnail == name),
    )
    if not found.exists():
        abort(404)
    return image_response(name)
