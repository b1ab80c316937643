"""Which offer an order gets and what it takes off: the coupon code typed, or the best
automatic offer (满减) the items reach. One offer per order, the one worth most."""

import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime

from flask_babel import lazy_gettext as _l

from i18n import format_money
from models.activities.activity import Quote
from models.base import utcnow
from models.errors import DomainError
from models.promotions.offer import PERCENT, Offer
from models.statements import Slot, Statement, instances

CODE_MAX = 32


class CouponRefused(DomainError):
    """The coupon code typed cannot be used on this order (the message says why)."""

    message = _l("This coupon cannot be used.")


@dataclass(frozen=True)
class OfferChoice:
    """The offer an order gets (None: none), what it takes off in fen, and why the code typed
    was refused ("" when it was not)."""

    offer: Offer | None = None
    discount: int = 0
    refused: str = ""


def normal_code(code: str | None) -> str:
    """A code as stored: full-width letters made plain, spaces dropped, upper case."""
    return "".join(unicodedata.normalize("NFKC", code or "").split()).upper()[:CODE_MAX]


def discount_of(offer: Offer, subtotal: int) -> int:
    """What `offer` takes off items worth `subtotal` fen (never more than they cost)."""
    off = subtotal * offer.value // 100 if offer.kind == PERCENT else offer.value
    return max(min(off, subtotal), 0)


def why_not(offer: Offer, template_id: int, subtotal: int, now: datetime) -> str:
    """Why `offer` cannot be used on this order now, or "" when it can (the customer's own
    limit is checked when the order is placed)."""
    if not offer.active or (offer.template_id and offer.template_id != template_id):
        return str(_l("This coupon is not valid for this activity."))
    if offer.starts_at and now < offer.starts_at:
        return str(_l("This coupon is not valid yet."))
    if offer.ends_at and now >= offer.ends_at:
        return str(_l("This coupon has expired."))
    if offer.uses_left == 0:
        return str(_l("This coupon has been used up."))
    if subtotal < offer.min_spend:
        return str(
            _l(
                "This coupon needs items worth at least %(amount)s.",
                amount=format_money(offer.min_spend),
            )
        )
    return ""


def automatic_offers(template_id: int) -> list[Offer]:
    """The active automatic offers (满减) of this activity or of all activities."""
    return instances(Offer, OFFER_COLUMNS, _AUTOMATIC.run(template=template_id))


OFFER_COLUMNS = Offer._meta.sorted_fields
_AUTOMATIC = Statement(
    lambda: (
        Offer.select(*OFFER_COLUMNS)
        .where(
            Offer.code.is_null(),
            Offer.active == True,  # noqa: E712
            Offer.template.is_null() | (Offer.template == Slot("template")),
        )
        .order_by(Offer.min_spend, Offer.id)
    )
)


def choose_offer(
    template_id: int,
    subtotal: int,
    code: str = "",
    now: datetime | None = None,
    automatic: list[Offer] | None = None,
) -> OfferChoice:
    """The offer worth most to this order: the code typed (when it can be used) or an
    automatic offer the items reach (`automatic`: the activity's, when read already)."""
    now = now or utcnow()
    candidates, refused = [], ""
    code = normal_code(code)
    if code:
        coupon = Offer.get_or_none(Offer.code == code)
        refused = (
            why_not(coupon, template_id, subtotal, now)
            if coupon
            else str(_l("There is no coupon with this code."))
        )
        if not refused:
            candidates.append(coupon)
    if automatic is None:
        automatic = automatic_offers(template_id)
    candidates += [o for o in automatic if not why_not(o, template_id, subtotal, now)]
    if not candidates:
        return OfferChoice(refused=refused)
    best = max(candidates, key=lambda o: (discount_of(o, subtotal), o.code is not None))
    return OfferChoice(best, discount_of(best, subtotal), refused)


def next_offer(
    template_id: int,
    subtotal: int,
    now: datetime | None = None,
    automatic: list[Offer] | None = None,
):
    """(offer, amount still to spend) of the nearest automatic offer not reached yet, or None:
    "spend ¥12.00 more for 满100减20" (`automatic`: the activity's offers, when read already)."""
    now = now or utcnow()
    for offer in automatic_offers(template_id) if automatic is None else automatic:
        if subtotal < offer.min_spend and not why_not(offer, template_id, offer.min_spend, now):
            return offer, offer.min_spend - subtotal
    return None


def offers_shown(template_id: int, price: Quote, code: str = ""):
    """What the order form shows of the offers: `price` less the offer this order gets, that
    choice (to show or to refuse) and the `next_offer`, from one read of the automatic
    offers, at one moment."""
    now, automatic = utcnow(), automatic_offers(template_id)
    choice = choose_offer(template_id, price.subtotal, code, now, automatic)
    return (
        replace(price, discount=choice.discount),
        choice,
        next_offer(template_id, price.subtotal, now, automatic),
    )
