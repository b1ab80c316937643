"""Taking and giving back one use of an offer, inside the order's own transaction."""

from models.promotions.offer import Offer, OfferUse


def try_claim(offer_id: int, customer_id: int) -> str | None:
    """Take one use of the offer for the customer; None when taken, else what ran out:
    "customer" (their limit) or "total" (the offer's). Call inside the order's transaction:
    a refusal raised there undoes the other count."""
    offer = Offer.get_by_id(offer_id)
    OfferUse.insert(offer=offer_id, customer=customer_id, used=0).on_conflict_ignore().execute()
    mine = OfferUse.update(used=OfferUse.used + 1).where(
        OfferUse.offer == offer_id, OfferUse.customer == customer_id
    )
    if offer.per_customer_limit is not None:
        mine = mine.where(OfferUse.used < offer.per_customer_limit)
    if mine.execute() != 1:
        return "customer"
    shared = Offer.update(used=Offer.used + 1).where(
        Offer.id == offer_id, Offer.total_limit.is_null() | (Offer.used < Offer.total_limit)
    )
    if shared.execute() != 1:
        return "total"
    return None


def give_back(offer_id: int | None, customer_id: int) -> None:
    """A cancelled order's use of its offer is free again."""
    if offer_id is None:
        return
    Offer.update(used=Offer.used - 1).where(Offer.id == offer_id, Offer.used > 0).execute()
    OfferUse.update(used=OfferUse.used - 1).where(
        OfferUse.offer == offer_id, OfferUse.customer == customer_id, OfferUse.used > 0
    ).execute()
