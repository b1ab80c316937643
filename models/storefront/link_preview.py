"""What a chat app shows when someone shares an activity's link (/f/<slug>): the title, a
short description, and the facts its preview card (models/storefront/card.py) prints."""

import hashlib
import re
from dataclasses import dataclass

from flask_babel import gettext as _

from i18n import format_money, format_time
from models.activities.activity import Activity

DESCRIPTION_MAX = 120


@dataclass(frozen=True)
class Preview:
    version_id: int  # the published version: a republished activity gets a new card
    title: str
    description: str
    facts: str  # "From ¥12.50 · Orders close …", or "" when there is neither
    shop: str

    @property
    def key(self) -> str:
        """The card's ETag and cache key: the version, and a digest of what the card shows
        (a product's price or the deadline may change without a new version)."""
        text = "\x1f".join((self.title, self.facts, self.shop))
        return f"{self.version_id}-{hashlib.sha256(text.encode()).hexdigest()[:16]}"


def shorten(text: str, limit: int = DESCRIPTION_MAX) -> str:
    """The text on one line, cut at `limit` characters with an ellipsis."""
    flat = re.sub(r"\s+", " ", text or "").strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def lowest_price(activity: Activity) -> int | None:
    prices = [product.price for product in activity.products.values() if product.price > 0]
    return min(prices, default=None)


def preview_for(activity: Activity, shop: str) -> Preview:
    """The activity's preview in the page's language; the description is the activity's own
    (shortened), else its facts."""
    facts = []
    price = lowest_price(activity)
    if price is not None:
        facts.append(_("From %(price)s", price=format_money(price)))
    if activity.template.closes_at:
        facts.append(_("Orders close %(time)s", time=format_time(activity.template.closes_at)))
    summary = " · ".join(facts)
    return Preview(
        version_id=activity.version.id,
        title=shorten(activity.version.title, 200),
        description=shorten(activity.template.description) or summary,
        facts=summary,
        shop=shorten(shop, 60),
    )
