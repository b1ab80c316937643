"""Member prices (会员价): what a product costs a customer of a tier (docs/customers.md, "Member
prices"). A product has at most one per tier; none means the tier pays what everyone pays.

An order line costs the lowest of the list price, the group price in force and the member
price of the customer's tier (models/activities/activity.py `unit_prices`). What each worker
keeps of a published activity carries its products' member prices (models/activities/
published.py `Published.member_prices`, loaded by `offered_member_prices`, registered below), so
placing an order reads no member price row; a trigger on this table moves the configuration
generation (migration 0067), so a change shows on the next order.

`save_member_prices` is an admin's change of one product's prices: it locks the product's row
(PostgreSQL; SQLite's write transactions run one at a time) and refuses when the prices are no
longer the ones the admin's form showed (`MemberPricesChanged`), so two admins saving at once
never overwrite each other silently.
"""

from flask_babel import lazy_gettext as _l
from peewee import Check, ForeignKeyField, IntegerField

from models.activities.published import MEMBER_PRICE_LOADERS
from models.audit.log import record
from models.base import BaseModel
from models.catalog.products import Product
from models.customers.tier import CustomerTier
from models.db import db, locked
from models.errors import DomainError

PRICE_MAX = 2_000_000_000  # fen: what an integer column holds


class TierPrice(BaseModel):
    product = ForeignKeyField(Product, on_delete="CASCADE")
    tier = ForeignKeyField(CustomerTier, on_delete="CASCADE")
    price = IntegerField(constraints=[Check("price >= 0")])  # fen

    class Meta:
        indexes = ((("product", "tier"), True),)


class MemberPricesChanged(DomainError):
    message = _l(
        "Someone changed these member prices meanwhile. What they saved is shown; "
        "make your change again."
    )


class BadMemberPrice(DomainError):
    message = _l("A member price is a whole number of fen from 0 up.")


def member_prices(product_id: int) -> dict[int, int]:
    """{tier id: price in fen} of one product."""
    query = TierPrice.select(TierPrice.tier, TierPrice.price).where(TierPrice.product == product_id)
    return dict(query.tuples())


def stamp(prices: dict[int, int]) -> str:
    """The prices as one text, the same for the same prices: what an admin's form saw."""
    return ";".join(f"{tier}={price}" for tier, price in sorted(prices.items()))


def save_member_prices(product: Product, seen: str, prices: dict[int, int | None]) -> bool:
    """Set the product's member prices: {tier id: fen, or None for no member price}; tiers not
    mentioned keep theirs. `seen`: the `stamp` of the prices the admin's form showed. Returns
    whether anything changed. Raises MemberPricesChanged (someone saved meanwhile; nothing
    written) and BadMemberPrice (a price below 0)."""
    if any(price is not None and not 0 <= price <= PRICE_MAX for price in prices.values()):
        raise BadMemberPrice()
    with db.atomic():
        # the product's row is the lock of its member prices: one change at a time
        locked(Product.select(Product.id).where(Product.id == product.id)).execute()
        before = member_prices(product.id)
        if stamp(before) != seen:
            raise MemberPricesChanged()
        tiers = {tier_id for (tier_id,) in CustomerTier.select(CustomerTier.id).tuples()}
        after = {t: p for t, p in before.items() if t not in prices}
        after |= {t: p for t, p in prices.items() if p is not None and t in tiers}
        if after == before:
            return False
        TierPrice.delete().where(TierPrice.product == product.id).execute()
        if after:
            TierPrice.insert_many(
                [{"product": product.id, "tier": t, "price": p} for t, p in sorted(after.items())]
            ).execute()
        record(
            "product.member_prices",
            f"{product.name} #{product.id}",
            before={str(t): p for t, p in before.items()},
            after={str(t): p for t, p in after.items()},
        )
    return True


def offered_member_prices(product_ids: list[int]) -> dict[int, dict[int, int]]:
    """{product id: {tier id: price}} of these products, those without any left out: loaded
    with a published activity (models/activities/published.py)."""
    if not product_ids:
        return {}
    found: dict[int, dict[int, int]] = {}
    query = TierPrice.select(TierPrice.product, TierPrice.tier, TierPrice.price).where(
        TierPrice.product.in_(product_ids)
    )
    for product_id, tier_id, price in query.tuples():
        found.setdefault(product_id, {})[tier_id] = price
    return found


MEMBER_PRICE_LOADERS.append(offered_member_prices)
