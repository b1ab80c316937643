"""What actions read during one run or one Try it (models/automation/preview.py)."""

from datetime import date

from peewee import fn

from models.accounts.user import STAFF_ROLES, User
from models.delivery.dispatch import open_stops
from models.delivery.runs import couriers
from models.orders.order import Counter, Order
from models.orders.status import OPEN_STATUSES


class Context:
    """What actions read during one run or one Try it. A dry run (Try it) writes nothing: it
    counts the turns and workloads its own decisions would change instead."""

    def __init__(self, dry_run: bool):
        self.dry_run = dry_run
        self._staff: dict[int, User] | None = None
        self._turns: dict[int, int] = {}
        self._loads: dict[int, int] | None = None
        self._couriers: dict[int, User] | None = None
        self._stops: dict[date, dict[int, int]] = {}

    def staff(self) -> dict[int, User]:
        """Active staff and admin accounts by id."""
        if self._staff is None:
            users = User.select().where(User.active == True, User.role.in_(STAFF_ROLES))  # noqa: E712
            self._staff = {user.id: user for user in users.order_by(User.id)}
        return self._staff

    def name(self, user_id: int) -> str:
        user = self.staff().get(user_id) or User.get_or_none(User.id == user_id)
        return user.name if user else "?"

    def turn(self, rule) -> int:
        """0, 1, 2, … for each round-robin assignment the rule makes."""
        key = f"rule.{rule.id}.turn"
        if not self.dry_run:
            return Counter.next(key, start=0) - 1
        if rule.id not in self._turns:
            stored = Counter.select(Counter.value).where(Counter.name == key).scalar()
            self._turns[rule.id] = stored or 0
        self._turns[rule.id] += 1
        return self._turns[rule.id] - 1

    def loads(self) -> dict[int, int]:
        """{user id: open orders assigned to them}."""
        if self._loads is None or not self.dry_run:
            rows = (
                Order.select(Order.assignee, fn.COUNT(Order.id))
                .where(Order.status.in_(OPEN_STATUSES), Order.assignee.is_null(False))
                .group_by(Order.assignee)
                .tuples()
            )
            self._loads = dict(rows)
        return self._loads

    def assigned(self, user_id: int) -> None:
        if self.dry_run:
            loads = self.loads()
            loads[user_id] = loads.get(user_id, 0) + 1

    def couriers(self) -> dict[int, User]:
        """Active couriers by id."""
        if self._couriers is None:
            self._couriers = {user.id: user for user in sorted(couriers(), key=lambda u: u.id)}
        return self._couriers

    def courier_loads(self, day: date) -> dict[int, int]:
        """{courier id: open stops on the runs of `day`}; a real run reads them afresh."""
        if day not in self._stops or not self.dry_run:
            self._stops[day] = open_stops(day)
        return self._stops[day]

    def courier_assigned(self, user_id: int, day: date) -> None:
        """A dry run counts the stop its own decision would add."""
        loads = self.courier_loads(day)
        loads[user_id] = loads.get(user_id, 0) + 1
