"""Which group leader runs which pickup point, as admins set it (/admin/leader-points,
blueprints/leader/points.py): one leader per point, every change in the audit log."""

from flask_babel import lazy_gettext as _l

from models.accounts.user import LEADER, User
from models.activities.pickup import PickupPoint
from models.audit.log import record
from models.db import db
from models.errors import DomainError
from models.leaders.leader import LeaderPoint, assign_point


class NotALeader(DomainError):
    message = _l("Choose one of the group leaders.")


def active_leaders() -> list[User]:
    return list(
        User.select()
        .where(User.role == LEADER, User.active == True)  # noqa: E712
        .order_by(User.name, User.id)
    )


def point_leaders() -> dict[int, User]:
    """{pickup point id: the leader who runs it}."""
    rows = LeaderPoint.select(LeaderPoint, User).join(User)
    return {row.point_id: row.leader for row in rows}


def leaders_and_points() -> list[tuple[User, list[PickupPoint]]]:
    """Every active leader with the points they run (by name), leaders by name."""
    points: dict[int, list[PickupPoint]] = {}
    for row in LeaderPoint.select(LeaderPoint, PickupPoint).join(PickupPoint):
        points.setdefault(row.leader_id, []).append(row.point)
    return [
        (leader, sorted(points.get(leader.id, []), key=lambda p: p.name))
        for leader in active_leaders()
    ]


def set_point_leader(point: PickupPoint, leader_id: int | None) -> bool:
    """Make the active leader `leader_id` run `point` (None: nobody); the change goes in the
    audit log in the same transaction. Raises NotALeader for any other account. Returns
    whether anything changed."""
    with db.atomic():
        leader = None
        if leader_id is not None:
            leader = User.get_or_none(
                User.id == leader_id,
                User.role == LEADER,
                User.active == True,  # noqa: E712
            )
            if leader is None:
                raise NotALeader(field="leader_id")
        current = LeaderPoint.get_or_none(LeaderPoint.point == point.id)
        before = current.leader if current else None
        if (before and before.id) == (leader and leader.id):
            return False
        if leader is None:
            LeaderPoint.delete().where(LeaderPoint.point == point.id).execute()
        else:
            assign_point(point, leader)
        record(
            "leader_point.assigned",
            point.name,
            before={"leader": before.name if before else None},
            after={"leader": leader.name if leader else None},
        )
    return True
