"""Customer tiers recounted by direct SQL over the orders, payments and refunds, to hold the
stored tiers against (never through the rollup)."""

from collections import defaultdict
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from models.customers.tier import CustomerTier
from models.db import db
from tests.reports.oracle import _moment, _sql

COMPLETED = """
SELECT o.customer_id, o.created_at, o.payment_status, o.total,
       COALESCE((SELECT SUM(p.amount) FROM payment p WHERE p.order_id = o.id), 0),
       (SELECT COUNT(*) FROM refund r WHERE r.order_id = o.id AND r.status = 'succeeded'
          AND r.online_payment_id IS NULL),
       COALESCE((SELECT SUM(r.amount) FROM refund r WHERE r.order_id = o.id
          AND r.status = 'succeeded' AND r.online_payment_id IS NULL), 0)
FROM "order" o WHERE o.status = 'completed'
"""


def completed_orders(zone: ZoneInfo) -> dict[int, list[tuple[date, int]]]:
    """{customer: [(shop day placed, spend)]} of completed orders; spend is the total less what
    was refunded (all that was paid for an order marked refunded without refund rows)."""
    found = defaultdict(list)
    for row in db.execute_sql(_sql(COMPLETED)).fetchall():
        customer, created_at, payment, total, paid, refunds, refunded = row
        given_back = int(paid) if payment == "refunded" and not refunds else int(refunded)
        found[customer].append((_moment(created_at, zone).date(), max(total - given_back, 0)))
    return found


def expected_tiers(customers: list[int], today: date, zone: ZoneInfo) -> dict[int, int | None]:
    """{customer: the id of the best tier whose rule they meet today, or None}."""
    orders = completed_orders(zone)
    tiers = sorted(CustomerTier.select(), key=lambda t: -t.rank)
    found = {}
    for customer in customers:
        found[customer] = None
        for tier in tiers:
            since = today - timedelta(days=tier.days - 1)
            counted = [spend for day, spend in orders[customer] if since <= day <= today]
            checks = []
            if tier.min_orders:
                checks.append(len(counted) >= tier.min_orders)
            if tier.min_spend:
                checks.append(sum(counted) >= tier.min_spend)
            met = not checks or (all(checks) if tier.need == "all" else any(checks))
            if met:
                found[customer] = tier.id
                break
    return found
