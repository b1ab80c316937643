"""A full recount of the sales figures by direct SQL, to hold the rollups and the report against."""

from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from models.db import db

ORDERS = """
SELECT o.id, o.template_id, o.status, o.payment_status, o.total,
       COALESCE(o.pickup_point_id, 0), o.source, o.created_at,
       COALESCE((SELECT p.method FROM payment p WHERE p.order_id = o.id
                 ORDER BY p.created_at, p.id LIMIT 1), ''),
       COALESCE((SELECT SUM(p.amount) FROM payment p WHERE p.order_id = o.id), 0)
FROM "order" o WHERE o.template_id = %s
"""
LINES = """
SELECT l.order_id, COALESCE(l.product_id, 0), l.name, SUM(l.quantity), SUM(l.quantity * l.unit_price),
       COALESCE(SUM(l.quantity * l.unit_cost), 0),
       COALESCE(SUM(CASE WHEN l.unit_cost IS NULL THEN 0 ELSE l.quantity * l.unit_price END), 0)
FROM order_line l JOIN "order" o ON o.id = l.order_id WHERE o.template_id = %s
GROUP BY l.order_id, l.product_id, l.name
"""


def _sql(query: str) -> str:
    return query if db.obj.param == "%s" else query.replace("%s", "?")


def _moment(value, zone: ZoneInfo) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC).astimezone(zone)


def recount(activity: int, zone: ZoneInfo) -> tuple[Counter, Counter]:
    """({(day, hour, point, method, source, figure): value}, {(day, point, method, source,
    product, name, figure): value}) for one activity, zeros left out."""
    hours, products, keys = Counter(), Counter(), {}
    for row in db.execute_sql(_sql(ORDERS), (activity,)).fetchall():
        order_id, _, status, payment, total, point, source, created_at, method, paid = row
        moment = _moment(created_at, zone)
        counted, refunded = status != "cancelled", payment == "refunded"
        keys[order_id] = (moment.date(), point, method, source, counted, refunded)
        where = (moment.date(), moment.hour, point, method, source)
        hours[(*where, "orders")] += int(counted)
        hours[(*where, "revenue")] += total if counted else 0
        hours[(*where, "refunds")] += int(paid) if refunded else 0
    for order_id, product, name, units, revenue, cost, costed in db.execute_sql(
        _sql(LINES), (activity,)
    ):
        day, point, method, source, counted, refunded = keys[order_id]
        where = (day, point, method, source, product, name)
        products[(*where, "orders")] += int(counted)
        products[(*where, "units")] += int(units) if counted else 0
        products[(*where, "revenue")] += int(revenue) if counted else 0
        products[(*where, "refunds")] += int(revenue) if refunded else 0
        products[(*where, "cost")] += int(cost) if counted else 0
        products[(*where, "costed_revenue")] += int(costed) if counted else 0
    return +hours, +products


def customer_recount(activity: int, zone: ZoneInfo) -> Counter:
    """{(day, customer, figure): value} of one activity's orders not cancelled, by direct SQL."""
    found = Counter()
    query = (
        'SELECT customer_id, created_at, total FROM "order" WHERE template_id = %s AND status <> %s'
    )
    for customer, created_at, total in db.execute_sql(_sql(query), (activity, "cancelled")):
        day = _moment(created_at, zone).date()
        found[(day, customer, "orders")] += 1
        found[(day, customer, "revenue")] += total
    return +found
