"""A low rating (at most LOW stars) tells staff: the outbox row `low_rating` that rating an order
plans (models/ratings/giving.py) becomes one in-app message per active staff member and admin,
in DEFAULT_LOCALE, linking to the ratings page, like the admin notices' fan-out
(models/messaging/admin_notices.py `announce`)."""

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from models.accounts.user import User
from models.messaging.outbox import Outbox
from models.messaging.texts import page_url
from models.ratings.rating import Rating

NOTICE = "low_rating"


def low_rating_messages(item: Outbox) -> list[dict]:
    """The deliveries of the `low_rating` outbox row, for models/messaging/deliveries.py
    `add_deliveries` (read and rendered before its transaction); none once the rating went."""
    rating = Rating.get_or_none(Rating.id == item.payload["rating"])
    if rating is None:
        return []
    locale = current_app.config["DEFAULT_LOCALE"]
    with force_locale(locale):
        words = {"number": rating.order.number, "stars": rating.stars}
        subject = _("Order #%(number)s was rated %(stars)s of 5 stars", **words)
        body = rating.comment or _("No comment.")
    people = User.select().where(
        User.active == True,  # noqa: E712
        User.role.in_(("staff", "admin")),
    )
    return [
        {
            "outbox": item.id,
            "notice": NOTICE,
            "audience": "staff",
            "channel": "inapp",
            "recipient": person.name,
            "user": person.id,
            "order": rating.order_id,
            "locale": locale,
            "subject": subject[:255],
            "body": body,
            "link": page_url("ratings.index", external=False, stars=rating.stars),
            "delivery_key": f"{item.delivery_key}.inapp.u{person.id}",
        }
        for person in people.order_by(User.id)
    ]
