"""Batches under random operations (a hypothesis state machine): receipts with and without a
batch, orders placed, completed and cancelled, write-offs by hand, expired batches written off,
stock-takes. After every step on hand equals the ledger's sum and the batches' units plus the
units in no batch; each batch equals its ledger rows' sum and a plain-Python model of FEFO."""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from models.activities.pickup import create_pickup_point, set_serving_warehouse
from models.catalog.admin import (
    HeldByOrders,
    NotEnoughFree,
    count_stock,
    receive_stock,
    write_off_stock,
)
from models.catalog.batches import write_off_expired
from models.catalog.ledger import StockMovement, balance
from models.catalog.products import Stock, StockBatch
from models.catalog.warehouses import WarehouseDetails, create_warehouse
from models.errors import OutOfStock
from models.orders.lifecycle import Actor, walk_order
from models.orders.order import Order
from models.shop_time import shop_today
from tests.factories import make_activity, make_product, unique
from tests.factories import order_for as place
from tests.helpers import make_user

DONE = ("confirmed", "processing", "ready", "completed")


class BatchMachine(RuleBasedStateMachine):
    orders = Bundle("orders")

    @initialize()
    def setup(self):
        self.admin = make_user("admin")
        # a warehouse of its own: the expired write-off of one example touches no other's
        self.warehouse = create_warehouse(WarehouseDetails(unique("w"), "Cold room"))
        point = create_pickup_point(unique("Gate "))
        set_serving_warehouse(point, self.warehouse)
        self.point = type(point).get_by_id(point.id)
        self.product = make_product(0)
        receive_stock(self.product, self.warehouse, 3)  # units in no batch, as before batches
        self.version = make_activity([self.product], limit=50)
        self.today = shop_today()
        self.batches: dict[int, list] = {}  # id -> [expires_on or None, units]
        self.loose, self.held = 3, 0
        self.open: dict[int, int] = {}  # order id -> units

    @property
    def on_hand(self) -> int:
        return self.loose + sum(units for _, units in self.batches.values())

    def _take(self, units: int) -> list[tuple[int | None, int]]:
        """FEFO, as the docs say: not expired by expiry, no expiry, no batch, then expired;
        [(batch id or None for no batch, units taken)] in that order."""

        def rank(item):
            batch_id, (expires, _) = item
            if expires is None:
                return (1, self.today, batch_id)
            return (3 if expires < self.today else 0, expires, batch_id)

        order = sorted(self.batches.items(), key=rank)
        sources = [(i, b) for i, b in order if rank((i, b))[0] < 3] + [(None, None)]
        sources += [(i, b) for i, b in order if rank((i, b))[0] == 3]
        taken_from = []
        for batch_id, batch in sources:
            have = self.loose if batch_id is None else batch[1]
            taken = min(have, units)
            if batch_id is None:
                self.loose -= taken
            else:
                batch[1] -= taken
            units -= taken
            if taken:
                taken_from.append((batch_id, taken))
        assert units == 0
        return taken_from

    @rule(units=st.integers(1, 6), days=st.one_of(st.none(), st.integers(-3, 8)))
    def receive_batch(self, units, days):
        expires = None if days is None else self.today + timedelta(days=days)
        code = unique("B")
        receive_stock(
            self.product, self.warehouse, units, by=self.admin, batch=code, expires_on=expires
        )
        batch = StockBatch.get(StockBatch.code == code)
        self.batches[batch.id] = [expires, units]

    @rule(units=st.integers(1, 4))
    def receive_loose(self, units):
        receive_stock(self.product, self.warehouse, units, by=self.admin)
        self.loose += units

    @rule(target=orders, quantity=st.integers(1, 4))
    def reserve(self, quantity):
        try:
            order = place(
                self.version, [(self.product, quantity)], key=unique("o"), pickup_point=self.point
            )
        except OutOfStock:
            assert self.on_hand - self.held < quantity
            return multiple()
        self.held += quantity
        self.open[order.id] = quantity
        return order.id

    @rule(order_id=orders, complete=st.booleans())
    def close(self, order_id, complete):
        if order_id not in self.open:
            return
        walk_order(Order.get_by_id(order_id), DONE if complete else ("cancelled",), Actor.system())
        units = self.open.pop(order_id)
        self.held -= units
        if complete:
            self._take(units)

    @rule(units=st.integers(1, 4))
    def write_off(self, units):
        if self.on_hand - self.held < units:
            with pytest.raises(NotEnoughFree):
                write_off_stock(self.product, self.warehouse, units, reason="lost")
            return
        write_off_stock(self.product, self.warehouse, units, reason="lost")
        self._take(units)

    @rule()
    def write_off_expired(self):
        done = write_off_expired(self.warehouse.id, by=self.admin)
        free, written = self.on_hand - self.held, 0
        expired = sorted(
            (b[0], i) for i, b in self.batches.items() if b[0] is not None and b[0] < self.today
        )
        for _, batch_id in expired:
            units = max(min(self.batches[batch_id][1], free - written), 0)
            self.batches[batch_id][1] -= units
            written += units
        assert done.written_off == written

    @rule(counted=st.integers(0, 12))
    def count(self, counted):
        if counted < self.held:
            with pytest.raises(HeldByOrders):
                count_stock(self.product, self.warehouse, counted, by=self.admin)
            return
        count_stock(self.product, self.warehouse, counted, by=self.admin)
        if counted < self.on_hand:
            self._take(self.on_hand - counted)
        else:
            self.loose += counted - self.on_hand

    @invariant()
    def on_hand_is_the_ledger_and_the_batches(self):
        row = Stock.get(Stock.product == self.product.id, Stock.warehouse == self.warehouse.id)
        assert (row.on_hand, row.reserved) == (self.on_hand, self.held)
        assert balance(self.product.id, self.warehouse.id) == (self.on_hand, self.held)
        mine = StockBatch.select().where(
            StockBatch.product == self.product.id, StockBatch.warehouse == self.warehouse.id
        )
        stored = {b.id: b.on_hand for b in mine}
        assert stored == {i: b[1] for i, b in self.batches.items()}
        for batch_id, units in stored.items():
            rows = StockMovement.select().where(StockMovement.batch == batch_id)
            assert sum(m.change for m in rows) == units
        loose = StockMovement.select().where(
            StockMovement.product == self.product.id,
            StockMovement.warehouse == self.warehouse.id,
            StockMovement.batch.is_null(),
        )
        assert sum(m.change for m in loose) == self.loose >= 0
        assert row.on_hand == sum(stored.values()) + self.loose


def test_random_batch_movements_keep_on_hand_the_ledger_and_the_batches_equal(app_context):
    run_state_machine_as_test(
        BatchMachine,
        settings=settings(
            max_examples=20,
            phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking (database)
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
