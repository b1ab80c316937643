"""Actions that give the order someone responsible: in turn among chosen staff, the least busy
of them, or whoever takes its pickup point. An order that already has an assignee is left alone."""

from dataclasses import replace

from flask_babel import lazy_gettext as _l

from models.automation.actions.base import Action, Step, skip
from models.automation.kinds import RowError
from models.orders.lifecycle import Actor, assign_order
from models.orders.order import Order

NOBODY_ACTIVE = _l("Skipped: none of the chosen staff is active.")


class Assign(Action):
    inputs = ("users",)
    template = "assign_among"

    def decide(self, stored, s, rule, context) -> Step:
        if s.assignee_id is not None:
            name = context.name(s.assignee_id)
            return skip(_l("Skipped: already assigned to %(name)s.", name=name))
        user, why = self.pick(stored, s, rule, context)
        if user is None:
            return skip(why)
        return Step("assign", _l("Assign to %(name)s", name=user.name), user=user, action=self)

    def pick(self, stored, s, rule, context):
        """(the user it picks, "") or (None, why nobody)."""
        raise NotImplementedError

    def apply(self, step, s, rule) -> None:
        order = Order.get_by_id(s.order_id)
        assign_order(order, step.user, Actor.rule(rule.name), expected_version=s.version)

    def after(self, step, s):
        return replace(s, assignee_id=step.user.id, version=s.version + 1)


class RoundRobin(Assign):
    def parse(self, row: dict, choices) -> dict:
        users = [user for user in row["users"] if user in choices.staff]
        if not users:
            raise RowError("users", _l("Choose at least one staff member."))
        return {"kind": self.name, "users": users}

    def pick(self, stored, s, rule, context):
        staff = context.staff()
        chosen = [user_id for user_id in stored.get("users") or [] if user_id in staff]
        if not chosen:
            return None, NOBODY_ACTIVE
        return staff[chosen[context.turn(rule) % len(chosen)]], ""


class LeastLoaded(Assign):
    def parse(self, row: dict, choices) -> dict:
        return {"kind": self.name, "users": [u for u in row["users"] if u in choices.staff]}

    def pick(self, stored, s, rule, context):
        staff = context.staff()
        chosen = [user_id for user_id in stored.get("users") or [] if user_id in staff]
        if not stored.get("users"):
            chosen = list(staff)
        if not chosen:
            return None, NOBODY_ACTIVE
        loads = context.loads()
        return staff[min(chosen, key=lambda user_id: (loads.get(user_id, 0), user_id))], ""


class ByPickupPoint(Assign):
    inputs = ("points",)
    template = "assign_pickup_point"

    def parse(self, row: dict, choices) -> dict:
        points = {
            point: user
            for point, user in row["points"].items()
            if int(point) in choices.points and user in choices.staff
        }
        if not points:
            raise RowError("points", _l("Choose someone for at least one pickup point."))
        return {"kind": self.name, "points": points}

    def pick(self, stored, s, rule, context):
        staff = context.staff()
        user_id = (stored.get("points") or {}).get(str(s.pickup_point_id))
        if s.pickup_point_id is None or user_id not in staff:
            return None, _l("Skipped: nobody is set for this pickup point.")
        return staff[user_id], ""


ROUND_ROBIN = RoundRobin("assign_round_robin", _l("Assign in turn among"))
PICKUP_POINT = ByPickupPoint("assign_pickup_point", _l("Assign by pickup point"))
LEAST_LOADED = LeastLoaded("assign_least_loaded", _l("Assign to the least busy of"))
