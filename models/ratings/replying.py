"""The shop's one reply to a rating.

The reply is written by one conditional UPDATE (`WHERE replied_at IS NULL`): of two staff
replying at once, one reply stands and the other gets `AlreadyReplied`, with the reply that
stands shown to them."""

from flask_babel import lazy_gettext as _l

from models.accounts.user import User
from models.audit.log import record
from models.base import utcnow
from models.db import db
from models.errors import DomainError
from models.ratings.rating import Rating

MAX_REPLY = 1000


class ReplyRefused(DomainError):
    message = _l("Write a reply.")


class AlreadyReplied(ReplyRefused):
    message = _l("The shop has already replied to this rating; a rating gets one reply.")


def reply_to_rating(rating_id: int, user: User, text: str) -> Rating:
    """Reply to the rating as `user`, once. Raises ReplyRefused, AlreadyReplied."""
    text = (text or "").strip()
    if not text:
        raise ReplyRefused()
    if len(text) > MAX_REPLY:
        raise ReplyRefused(_l("Keep it under %(max)s characters.", max=MAX_REPLY))
    with db.atomic():
        written = (
            Rating.update(reply=text, replied_by=user.id, replied_at=utcnow())
            .where(Rating.id == rating_id, Rating.replied_at.is_null())
            .execute()
        )
        if not written:
            if Rating.get_or_none(Rating.id == rating_id) is None:
                raise ReplyRefused(_l("This rating no longer exists."))
            raise AlreadyReplied()
        record("rating.replied", f"rating #{rating_id}", after={"reply": text})
    return Rating.get_by_id(rating_id)
