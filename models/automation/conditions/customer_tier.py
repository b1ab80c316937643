"""The conditions "customer tier is" and "customer tier is at least" (models/customers/tier.py):
the customer's stored tier, compared by id or by rank."""

from flask_babel import lazy_gettext as _l

from models.automation.conditions.choice import ChosenId


class TierAtLeast(ChosenId):
    """In the chosen tier or one ranked above it; a tier removed since matches nobody."""

    template = "customer_tier"

    def holds(self, stored, s) -> bool:
        floor = dict(s.tier_ranks).get(stored.get("value"))
        return floor is not None and s.tier_rank is not None and s.tier_rank >= floor


CUSTOMER_TIER = ChosenId(
    "customer_tier", _l("Customer tier is"), "tier_id", "tiers", _l("Choose a tier.")
)
CUSTOMER_TIER_AT_LEAST = TierAtLeast(
    "customer_tier_at_least",
    _l("Customer tier is at least"),
    "tier_id",
    "tiers",
    _l("Choose a tier."),
)
