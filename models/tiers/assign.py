"""Each customer's stored tier, counted from the customers rollup (models/reports/rollups.py
`CustomerDay`: completed orders and their spend per shop day), never from the orders.

`assign_tiers(ids)` recounts some customers: the sales recount calls it (through the signal
`customers_recounted`, models/subscriptions.py) in its own transaction for the customers whose
rollup rows it rewrote, so a completed or refunded order moves its customer's tier as soon as
its bucket is recounted. `reassign_all` walks every customer in batches, each its own
transaction: nightly (the window slides) and after an admin changes the tiers.
"""

from datetime import date, timedelta

from peewee import fn

from models.customers.customer import Customer
from models.customers.tier import CustomerTier
from models.db import db
from models.reports.rollups import CustomerDay
from models.shop_time import shop_today

BATCH = 1000


def window_figures(customer_ids: list[int], days: int, today: date) -> dict[int, tuple[int, int]]:
    """{customer: (completed orders, spend in fen)} over the last `days` shop days, today
    included; customers without any are left out."""
    since = today - timedelta(days=days - 1)
    query = (
        CustomerDay.select(
            CustomerDay.customer, fn.SUM(CustomerDay.completed), fn.SUM(CustomerDay.spent)
        )
        .where(CustomerDay.customer.in_(customer_ids), CustomerDay.day >= since)
        .group_by(CustomerDay.customer)
        .tuples()
    )
    return {c: (int(done or 0), int(spent or 0)) for c, done, spent in query}


def tier_of(tiers: list[CustomerTier], figures: dict[int, dict], customer: int) -> int | None:
    """The id of the highest-ranked tier (`tiers` highest first) whose rule the customer meets
    ({days: {customer: (orders, spend)}}), or None."""
    for tier in tiers:
        if tier.admits(*figures[tier.days].get(customer, (0, 0))):
            return tier.id
    return None


def assign_tiers(customer_ids, today: date | None = None) -> int:
    """Store the tier each of these customers is in now; return how many changed tier."""
    ids = sorted(set(customer_ids))
    if not ids:
        return 0
    today = today or shop_today()
    changed = 0
    with db.atomic():
        tiers = list(CustomerTier.ranked())
        figures = {days: window_figures(ids, days, today) for days in {t.days for t in tiers}}
        by_tier: dict[int | None, list[int]] = {}
        for customer in ids:
            by_tier.setdefault(tier_of(tiers, figures, customer), []).append(customer)
        for tier_id, members in by_tier.items():
            other = (
                Customer.tier.is_null(False)
                if tier_id is None
                else (Customer.tier.is_null() | (Customer.tier != tier_id))
            )
            changed += (
                Customer.update(tier=tier_id).where(Customer.id.in_(members), other).execute()
            )
    return changed


def follow_recount(sender, customers: list[int]) -> None:
    """`customers_recounted` receiver: the recounted customers' tiers, in the recount's
    transaction."""
    assign_tiers(customers)


def reassign_all(batch: int = BATCH, today: date | None = None) -> int:
    """Every customer's tier, `batch` customers a transaction; return how many changed."""
    changed, last = 0, 0
    while True:
        ids = [
            c
            for (c,) in Customer.select(Customer.id)
            .where(Customer.id > last)
            .order_by(Customer.id)
            .limit(batch)
            .tuples()
        ]
        if not ids:
            return changed
        changed += assign_tiers(ids, today)
        last = ids[-1]


def reassign_row(item) -> int:
    """The "tiers" outbox row's work (after an admin changed the tiers): every customer again.
    Outside the row's own transaction (`Work.prepare`): batches commit one by one, and a row
    tried again only counts again."""
    return reassign_all()
