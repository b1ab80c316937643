"""Admins choose which group leader runs each pickup point (/admin/leader-points): the leader
then sees that point's orders; every change is in the audit log; a refused choice is 422
beside its menu and changes nothing."""

import pytest

from models.activities.pickup import PickupPoint
from models.audit.log import AuditEntry
from models.leaders.leader import LeaderPoint, orders_of
from models.leaders.points import NotALeader, set_point_leader
from tests.factories import make_activity, make_product, order_for
from tests.helpers import HTMX, make_user


def test_an_admin_gives_a_point_to_a_leader_who_then_sees_its_orders(
    app, as_admin, admin_post, leader
):
    with app.app_context():
        point = PickupPoint.create(name="Building 3 lobby", address="3 Oak Rd")
        product = make_product(20)
        version = make_activity([product], settings={"pickup_point_ids": [point.id]})
        order_for(version, [(product, 1)], name="Neighbour Wu", pickup_point=point)
        other = make_user("leader")

    before = as_admin.get("/admin/leader-points").text
    given = admin_post(
        f"/admin/leader-points/{point.id}", {f"point-{point.id}-leader_id": leader.id}
    )
    after = as_admin.get("/admin/leader-points").text
    moved = admin_post(
        f"/admin/leader-points/{point.id}", {f"point-{point.id}-leader_id": other.id}
    )

    assert "Building 3 lobby" in before and "no pickup point yet" in before
    assert given.status_code == 303
    assert "Pickup point “Building 3 lobby” saved." in after
    assert f"<strong>{leader.name}</strong> ({leader.email}):\n        Building 3 lobby" in after
    assert moved.status_code == 303
    with app.app_context():
        assert LeaderPoint.get(LeaderPoint.point == point.id).leader_id == other.id
        first, second = AuditEntry.select().where(AuditEntry.kind == "leader_point.assigned")
        assert (first.subject, first.before, first.after) == (
            "Building 3 lobby",
            {"leader": None},
            {"leader": leader.name},
        )
        assert (second.before, second.after) == ({"leader": leader.name}, {"leader": other.name})
        assert [o.customer.name for o in orders_of(other)] == ["Neighbour Wu"]  # theirs now
        assert orders_of(leader) == []


def test_taking_the_leader_off_a_point_is_logged_and_saving_it_unchanged_is_not(
    app, as_admin, admin_post, leader
):
    with app.app_context():
        point = PickupPoint.create(name="Gate B")
        set_point_leader(point, leader.id)
        logged = AuditEntry.select().where(AuditEntry.kind == "leader_point.assigned").count()
    field = f"point-{point.id}-leader_id"

    admin_post(f"/admin/leader-points/{point.id}", {field: leader.id})  # the same: nothing
    off = admin_post(f"/admin/leader-points/{point.id}", {field: ""})

    assert off.status_code == 303
    with app.app_context():
        assert not LeaderPoint.select().exists()
        entries = AuditEntry.select().where(AuditEntry.kind == "leader_point.assigned")
        assert entries.count() == logged + 1
        entry = entries.order_by(AuditEntry.id.desc()).first()
        assert (entry.before, entry.after) == ({"leader": leader.name}, {"leader": None})


@pytest.mark.parametrize("typed", ["nonsense", "99999", "<script>"])
def test_a_choice_that_is_not_a_leader_is_refused_beside_its_menu(
    app, admin_post, leader, staff, typed
):
    with app.app_context():
        point = PickupPoint.create(name="Gate C")
        set_point_leader(point, leader.id)
    field = f"point-{point.id}-leader_id"

    for value in (typed, str(staff.id)):
        response = admin_post(f"/admin/leader-points/{point.id}", {field: value}, htmx=True)
        assert response.status_code == 422
        assert f'id="point-{point.id}-error"' in response.text
        assert f'aria-describedby="point-{point.id}-error"' in response.text
        assert "<script>" not in response.text
    with app.app_context():
        assert LeaderPoint.get(LeaderPoint.point == point.id).leader_id == leader.id
        with pytest.raises(NotALeader):
            set_point_leader(point, staff.id)


@pytest.mark.parametrize("role", ["leader", "staff"])
def test_leaders_and_staff_cannot_open_it(request, client, login, role):
    login(request.getfixturevalue(role))
    assert client.get("/admin/leader-points", headers=HTMX).status_code == 403
