"""The action "assign a courier": put an order delivered in a zone on a courier's run
(models/delivery/runs.py `assign_to_courier`), the courier chosen by a strategy:

    named        the courier the rule names
    zone         the courier set on the order's delivery zone
    least_load   of the chosen couriers (none: all), the one with the fewest open stops on the
                 order's day (ties: the lowest id)
    round_robin  the chosen couriers (none: all) in turn

An order not delivered in a zone, or on a run already, is skipped. A real run decides under the
runs' lock (models/delivery/runs.py `lock_runs`), so orders assigned at once see each other's
stops.
"""

from flask_babel import lazy_gettext as _l

from models.automation.actions.base import Action, Step, skip
from models.automation.kinds import RowError
from models.delivery.dispatch import booking_of, delivery_day, on_a_run
from models.delivery.runs import assign_to_courier, lock_runs
from models.delivery.zones import DeliveryZone
from models.orders.lifecycle import Actor
from models.orders.order import Order
from models.orders.status import OPEN_STATUSES
from models.params import positive_id

NAMED, BY_ZONE, LEAST_LOAD, ROUND_ROBIN = "named", "zone", "least_load", "round_robin"
STRATEGIES = {
    NAMED: _l("this courier"),
    BY_ZONE: _l("the zone's courier"),
    LEAST_LOAD: _l("the courier with the fewest stops that day"),
    ROUND_ROBIN: _l("couriers in turn"),
}
AMONG = (LEAST_LOAD, ROUND_ROBIN)


class AssignCourier(Action):
    inputs = ("strategy", "courier", "users")

    def parse(self, row: dict, choices) -> dict:
        strategy = row["strategy"]
        if strategy not in STRATEGIES:
            raise RowError("strategy", _l("Choose how the courier is chosen."))
        stored = {"kind": self.name, "strategy": strategy}
        if strategy == NAMED:
            courier = positive_id(str(row["courier"]))
            if courier not in choices.couriers:
                raise RowError("courier", _l("Choose one of the couriers."))
            stored["courier"] = courier
        elif strategy in AMONG:
            stored["users"] = [user for user in row["users"] if user in choices.couriers]
        return stored

    def decide(self, stored, s, rule, context) -> Step:
        if s.zone_id is None or s.status not in OPEN_STATUSES:
            return skip(_l("Skipped: only open orders delivered in a zone go on a run."))
        if not context.dry_run:
            lock_runs()  # until the rule's transaction ends: loads and turns stay true
        if on_a_run(s.order_id):
            return skip(_l("Skipped: the order is on a courier's run already."))
        booking = booking_of(s.order_id)
        courier, why = self.pick(stored, s, booking, rule, context)
        if courier is None:
            return skip(why)
        if context.dry_run:
            context.courier_assigned(courier.id, delivery_day(booking))
        text = _l("Put on the run of %(name)s", name=courier.name)
        return Step("courier", text, user=courier, action=self)

    def pick(self, stored, s, booking, rule, context):
        """(the courier it picks, "") or (None, why nobody)."""
        couriers = context.couriers()
        strategy = stored.get("strategy")
        if strategy == NAMED:
            courier = couriers.get(stored.get("courier"))
            return courier, "" if courier else _l("Skipped: the chosen courier is not active.")
        if strategy == BY_ZONE:
            zone = DeliveryZone.get_or_none(DeliveryZone.id == s.zone_id)
            courier = couriers.get(zone.courier_id if zone else None)
            return courier, "" if courier else _l("Skipped: the zone has no active courier.")
        chosen = [user for user in stored.get("users") or [] if user in couriers]
        if not stored.get("users"):
            chosen = list(couriers)
        if not chosen:
            return None, _l("Skipped: none of the chosen couriers is active.")
        if strategy == ROUND_ROBIN:
            return couriers[chosen[context.turn(rule) % len(chosen)]], ""
        loads = context.courier_loads(delivery_day(booking))
        return couriers[min(chosen, key=lambda user: (loads.get(user, 0), user))], ""

    def apply(self, step, s, rule) -> None:
        assign_to_courier(Order.get_by_id(s.order_id), step.user, Actor.rule(rule.name))


ASSIGN_COURIER = AssignCourier("assign_courier", _l("Assign a courier"))
