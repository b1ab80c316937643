"""Leaders' commission: each activity's rule (its version's `commission` setting: {"percent":
n} of an order's total, or {"per_item": fen} per unit), a report per leader for a period of
shop days, and the admin's mark that a leader's period is settled.

An order counts for the leader it belongs to (models/leaders/leader.py: brought by their link,
else placed at their point) in the period it was placed; cancelled orders do not count, and
a refunded order's total is deducted (it earns nothing).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from peewee import DateField, DateTimeField, ForeignKeyField, IntegerField, IntegrityError

from models.accounts.user import LEADER, User
from models.base import BaseModel, utcnow
from models.db import db
from models.leaders.leader import LeaderPoint, Referral
from models.orders.order import Order, OrderLine
from models.orders.status import OrderStatus, PaymentStatus
from models.shop_time import to_utc


class CommissionSettlement(BaseModel):
    """An admin marked a leader's commission for a period paid out."""

    leader = ForeignKeyField(User, on_delete="CASCADE")
    start = DateField()
    end = DateField()  # the last day, included
    amount = IntegerField()  # fen, as reported when settled
    settled_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    settled_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("leader", "start", "end"), True),)


@dataclass(frozen=True)
class CommissionRow:
    leader: User
    orders: int
    revenue: int  # fen, orders not cancelled
    refunds: int  # fen, of those refunded
    commission: int  # fen
    settled: CommissionSettlement | None


def order_commission(order: Order, units: int) -> int:
    """What `order` (with `units` units) earns its leader under its version's rule."""
    if order.status == OrderStatus.CANCELLED or order.payment_status == PaymentStatus.REFUNDED:
        return 0
    rule = order.template_version.setting("commission") or {}
    if rule.get("percent"):
        return order.total * int(rule["percent"]) // 100
    return units * int(rule.get("per_item") or 0)


def _window(start: date, end: date) -> tuple[datetime, datetime]:
    """The period's shop days as UTC times (end day included)."""
    return to_utc(datetime.combine(start, time())), to_utc(
        datetime.combine(end + timedelta(days=1), time())
    )


def _owner(order: Order, referred: dict[int, int], points: dict[int, int]) -> int | None:
    return referred.get(order.id) or points.get(order.pickup_point_id)


def commission_report(start: date, end: date) -> list[CommissionRow]:
    """One row per leader for the shop days `start`..`end`."""
    since, until = _window(start, end)
    orders = list(
        Order.select().where(
            Order.created_at >= since,
            Order.created_at < until,
            Order.status != OrderStatus.CANCELLED,
        )
    )
    ids = [o.id for o in orders]
    referred = dict(
        Referral.select(Referral.order, Referral.leader).where(Referral.order.in_(ids)).tuples()
    )
    points = dict(LeaderPoint.select(LeaderPoint.point, LeaderPoint.leader).tuples())
    units = {}
    for order_id, quantity in (
        OrderLine.select(OrderLine.order, OrderLine.quantity)
        .where(OrderLine.order.in_(ids))
        .tuples()
    ):
        units[order_id] = units.get(order_id, 0) + quantity
    totals: dict[int, list[int]] = {}
    for order in orders:
        owner = _owner(order, referred, points)
        if owner is None:
            continue
        row = totals.setdefault(owner, [0, 0, 0, 0])
        refunded = order.payment_status == PaymentStatus.REFUNDED
        row[0] += 1
        row[1] += order.total
        row[2] += order.total if refunded else 0
        row[3] += order_commission(order, units.get(order.id, 0))
    settled = {
        s.leader_id: s
        for s in CommissionSettlement.select().where(
            CommissionSettlement.start == start, CommissionSettlement.end == end
        )
    }
    leaders = User.select().where(User.role == LEADER).order_by(User.name)
    return [
        CommissionRow(leader, *totals.get(leader.id, [0, 0, 0, 0]), settled.get(leader.id))
        for leader in leaders
    ]


def settle_commission(leader: User, start: date, end: date, by: User) -> CommissionSettlement:
    """Mark the leader's commission for the period settled, at the amount reported now; once."""
    [row] = [r for r in commission_report(start, end) if r.leader.id == leader.id] or [None]
    amount = row.commission if row else 0
    try:
        with db.atomic():
            return CommissionSettlement.create(
                leader=leader.id, start=start, end=end, amount=amount, settled_by=by.id
            )
    except IntegrityError:
        return CommissionSettlement.get(
            CommissionSettlement.leader == leader.id,
            CommissionSettlement.start == start,
            CommissionSettlement.end == end,
        )
