"""A leader's pickup points and the orders that are theirs: placed at one of their points, or
brought by their share link (`/f/<slug>?ref=<leader id>`, kept on the order as a Referral)."""

from peewee import DateTimeField, ForeignKeyField

from models.accounts.user import LEADER, User
from models.activities.pickup import PickupPoint
from models.base import BaseModel, utcnow
from models.orders.order import Order
from models.orders.status import OrderSource, OrderStatus


class LeaderPoint(BaseModel):
    """A pickup point a leader runs (one leader per point)."""

    point = ForeignKeyField(PickupPoint, unique=True, on_delete="CASCADE")
    leader = ForeignKeyField(User, backref="leader_points", on_delete="CASCADE")


class Referral(BaseModel):
    """The leader whose share link brought an order."""

    order = ForeignKeyField(Order, unique=True, on_delete="CASCADE")
    leader = ForeignKeyField(User, backref="referrals", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)


def leader_by_ref(ref: str | None) -> User | None:
    """The active leader a share link's `ref` names, or None."""
    ref = ref or ""
    if not (ref.isascii() and ref.isdigit()) or len(ref) > 12:
        return None
    return User.get_or_none(User.id == int(ref), User.role == LEADER, User.active == True)  # noqa: E712


def assign_point(point: PickupPoint, leader: User) -> None:
    """Make `leader` run `point` (the point's leader before, if any, no longer does)."""
    LeaderPoint.insert(point=point.id, leader=leader.id).on_conflict(
        conflict_target=[LeaderPoint.point], update={LeaderPoint.leader: leader.id}
    ).execute()


def attribute(order: Order, leader: User) -> None:
    """Keep on `order` that `leader`'s share link brought it (the first leader stays); an order
    that came by the link is then the leader's (its source), one entered or imported keeps its."""
    Referral.insert(order=order.id, leader=leader.id).on_conflict_ignore().execute()
    Order.update(source=OrderSource.LEADER).where(
        Order.id == order.id, Order.source == OrderSource.FORM
    ).execute()


def points_of(leader: User) -> list[PickupPoint]:
    return list(
        PickupPoint.select()
        .join(LeaderPoint)
        .where(LeaderPoint.leader == leader.id)
        .order_by(PickupPoint.name)
    )


def _theirs(leader: User):
    at_points = LeaderPoint.select(LeaderPoint.point).where(LeaderPoint.leader == leader.id)
    referred = Referral.select(Referral.order).where(Referral.leader == leader.id)
    return Order.pickup_point.in_(at_points) | Order.id.in_(referred)


def orders_of(leader: User, limit: int = 200) -> list[Order]:
    """The leader's orders, newest first."""
    return list(
        Order.select().where(_theirs(leader)).order_by(Order.created_at.desc()).limit(limit)
    )


def leader_order(leader: User, number: int) -> Order | None:
    """Order `number` if it is the leader's, else None (another leader's order is not found)."""
    return Order.get_or_none((Order.number == number) & _theirs(leader))


TO_HAND_OVER = (OrderStatus.CONFIRMED, OrderStatus.PROCESSING, OrderStatus.READY)


def pickup_list(leader: User) -> list[Order]:
    """Orders waiting at the leader's points to be collected, by point then number."""
    at_points = LeaderPoint.select(LeaderPoint.point).where(LeaderPoint.leader == leader.id)
    return list(
        Order.select()
        .where(Order.pickup_point.in_(at_points), Order.status.in_(TO_HAND_OVER))
        .order_by(Order.pickup_point, Order.number)
    )
