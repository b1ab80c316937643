"""`order_changed`: sent once per change of an order, inside its transaction, after its timeline
events are written. Whatever must follow a change (notifications, rule evaluations) subscribes
here and writes its outbox rows in that same transaction, so they commit or roll back with it.

Receivers are called in the order they connected (models/subscriptions.py connects them at app
start): `receiver(sender, steps, from_status)`, the sender being the change's last event, `steps`
every event of the change in order (several for a walk through statuses), `from_status` where a
walk started (None otherwise).
"""

from blinker import Signal


class _InOrder(dict):
    """An ordered set for blinker: receivers run in the order they connected, not by id."""

    def add(self, item) -> None:
        self[item] = None

    def discard(self, item) -> None:
        self.pop(item, None)

    def copy(self) -> "_InOrder":
        return _InOrder(self)

    def __or__(self, other) -> "_InOrder":
        return _InOrder({**self, **dict.fromkeys(other)})


class OrderedSignal(Signal):
    set_class = _InOrder


order_changed = OrderedSignal("An order changed: its events are written, not yet committed.")
