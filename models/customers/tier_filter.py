"""Customers by tier, as a WHERE term or a query of ids: for the customers list, segments and
anything else that filters customers by tier (models/customers/tier.py)."""

from models.customers.customer import Customer
from models.customers.tier import CustomerTier


def tier_condition(tier_id: int, at_least: bool = False):
    """A WHERE term on Customer: in the tier, or (`at_least`) in it or one ranked above."""
    if not at_least:
        return Customer.tier == tier_id
    rank = CustomerTier.select(CustomerTier.rank).where(CustomerTier.id == tier_id)
    above = CustomerTier.select(CustomerTier.id).where(CustomerTier.rank >= rank)
    return Customer.tier.in_(above)


def tier_members(tier_id: int, at_least: bool = False):
    """A query of the ids of the tier's customers (`at_least`: or of a tier ranked above)."""
    return Customer.select(Customer.id).where(tier_condition(tier_id, at_least))
