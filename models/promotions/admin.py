"""Admins' operations on offers: add, change, remove one never used."""

from dataclasses import asdict, dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from models.activities.template import FormTemplate
from models.db import db
from models.errors import DomainError
from models.promotions.offer import PERCENT, Offer, OfferUse
from models.promotions.pricing import normal_code


class CodeTaken(DomainError):
    message = _l("Another coupon already has this code.")


class OfferInUse(DomainError):
    message = _l("Orders used this offer: it cannot be deleted. Switch it off instead.")


class BadOffer(DomainError):
    message = _l("A percentage is from 1 to 100.")


@dataclass(frozen=True)
class OfferDetails:
    """What an admin sets; `code` "" for an automatic offer (满减), money in fen."""

    name: str
    code: str
    kind: str
    value: int
    min_spend: int = 0
    total_limit: int | None = None
    per_customer_limit: int | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    template_id: int | None = None
    active: bool = True

    def columns(self) -> dict:
        if self.kind == PERCENT and not 1 <= self.value <= 100:
            raise BadOffer(field="value")
        return asdict(self) | {"code": normal_code(self.code) or None}


def offer_list() -> list[Offer]:
    return list(Offer.select().order_by(Offer.active.desc(), Offer.created_at.desc()))


def activity_choices() -> list[FormTemplate]:
    """The activities an offer may be limited to: every one that is not a draft."""
    return list(
        FormTemplate.select()
        .where(FormTemplate.status != "draft")
        .order_by(FormTemplate.created_at.desc())
    )


def create_offer(details: OfferDetails) -> Offer:
    try:
        with db.atomic():
            return Offer.create(**details.columns())
    except IntegrityError as error:
        raise CodeTaken(field="code") from error


def update_offer(offer: Offer, details: OfferDetails) -> Offer:
    """Change what an admin sets; the count of uses stays (a lower total limit than the uses
    made so far stops further uses)."""
    columns = details.columns()
    if columns["total_limit"] is not None:
        columns["total_limit"] = max(columns["total_limit"], offer.used)
    try:
        with db.atomic():
            Offer.update(**columns).where(Offer.id == offer.id).execute()
    except IntegrityError as error:
        raise CodeTaken(field="code") from error
    return Offer.get_by_id(offer.id)


def delete_offer(offer: Offer) -> None:
    """Remove an offer no order used (an order keeps the offer it got)."""
    with db.atomic():
        if offer.orders.count():
            raise OfferInUse()
        OfferUse.delete().where(OfferUse.offer == offer.id).execute()
        offer.delete_instance()
