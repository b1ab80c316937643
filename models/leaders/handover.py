"""A leader hands an order over at their pickup point: the shop's own handover
(models/orders/fulfilment.py `hand_over`), done in the leader's name."""

from flask_babel import lazy_gettext as _l

from models.accounts.user import User
from models.errors import DomainError
from models.leaders.leader import LeaderPoint
from models.orders.fulfilment import hand_over
from models.orders.lifecycle import Actor
from models.orders.order import Order


class NotYourPoint(DomainError):
    message = _l("Only orders at your own pickup points can be handed over here.")


def leader_actor(leader: User) -> Actor:
    """A leader acts on the timeline with the staff's rights for a handover, under their name."""
    return Actor(kind="staff", user=leader, label=str(_l("Leader %(name)s", name=leader.name)))


def hand_over_as_leader(order: Order, leader: User, expected_version: int) -> Order:
    runs_point = LeaderPoint.get_or_none(
        LeaderPoint.point == order.pickup_point_id, LeaderPoint.leader == leader.id
    )
    if order.pickup_point_id is None or runs_point is None:
        raise NotYourPoint()
    return hand_over(order, leader_actor(leader), expected_version=expected_version)
