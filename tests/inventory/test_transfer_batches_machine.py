"""Transfers carrying batches under random operations: the batch state machine
(tests/inventory/test_batches_machine.py: receipts, orders, write-offs, expired write-offs,
stock-takes in the source) plus transfers to a second warehouse sent (FEFO out of the source,
only units no order holds) and received in random parts (the first units that left arrive
first, as batches of the same code and expiry). After every step, in both warehouses, on hand
equals the ledger's sum and the batches' units plus the units in no batch, and the batches
equal a plain-Python model."""

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, invariant, multiple, rule, run_state_machine_as_test

from models.catalog.ledger import StockMovement, balance
from models.catalog.products import Stock, StockBatch
from models.catalog.transfers import (
    ShortForTransfer,
    TooManyReceived,
    Transfer,
    TransferMoved,
    create_transfer,
    receive_transfer,
    send_transfer,
)
from models.catalog.warehouses import WarehouseDetails, create_warehouse
from tests.factories import unique
from tests.inventory.test_batches_machine import BatchMachine


class TransferBatchMachine(BatchMachine):
    transfers = Bundle("transfers")

    def _east(self):
        if not hasattr(self, "east"):  # set up on first use: BatchMachine's setup runs first
            self.east = create_warehouse(WarehouseDetails(unique("w"), "East store"))
            self.east_batches: dict[str, list] = {}  # code -> [expires_on or None, units]
            self.east_loose = 0
            self.on_the_way: dict[int, list] = {}  # transfer id -> [[code, expires, units]]
        return self.east

    @rule(target=transfers, units=st.integers(1, 6))
    def send(self, units):
        east = self._east()
        draft = create_transfer(self.warehouse, east, {self.product.id: units}, by=self.admin)
        if self.on_hand - self.held < units:
            with pytest.raises(ShortForTransfer):
                send_transfer(draft, by=self.admin)
            assert Transfer.get_by_id(draft.id).status == "draft"
            return multiple()
        send_transfer(draft, by=self.admin)
        parts = []
        for batch_id, taken in self._take(units):
            if batch_id is None:
                parts.append([None, None, taken])
            else:
                batch = StockBatch.get_by_id(batch_id)
                parts.append([batch.code, batch.expires_on, taken])
        self.on_the_way[draft.id] = parts
        return draft.id

    @rule(transfer_id=transfers, units=st.integers(1, 6))
    def receive(self, transfer_id, units):
        transfer = Transfer.get_by_id(transfer_id)
        line = transfer.lines.get()
        parts = self.on_the_way[transfer_id]
        if not sum(part[2] for part in parts):  # all in: received
            with pytest.raises(TransferMoved):
                receive_transfer(transfer, {line.id: units}, by=self.admin)
            return
        if units > sum(part[2] for part in parts):
            with pytest.raises(TooManyReceived):
                receive_transfer(transfer, {line.id: units}, by=self.admin)
            return
        transfer = receive_transfer(transfer, {line.id: units}, by=self.admin)
        for part in parts:
            taken = min(part[2], units)
            part[2] -= taken
            units -= taken
            if not taken:
                continue
            if part[0] is None:
                self.east_loose += taken
            else:
                self.east_batches.setdefault(part[0], [part[1], 0])[1] += taken
        still = sum(part[2] for part in parts)
        assert transfer.status == ("in_transit" if still else "received")

    @invariant()
    def the_target_is_the_ledger_and_the_batches(self):
        if not hasattr(self, "east"):
            return
        row = Stock.get_or_none(Stock.product == self.product.id, Stock.warehouse == self.east.id)
        on_hand = self.east_loose + sum(units for _, units in self.east_batches.values())
        assert (row.on_hand if row else 0, row.reserved if row else 0) == (on_hand, 0)
        assert balance(self.product.id, self.east.id) == (on_hand, 0)
        mine = StockBatch.select().where(
            StockBatch.product == self.product.id, StockBatch.warehouse == self.east.id
        )
        assert {b.code: [b.expires_on, b.on_hand] for b in mine} == self.east_batches
        for batch in mine:
            rows = StockMovement.select().where(StockMovement.batch == batch.id)
            assert sum(m.change for m in rows) == batch.on_hand
        loose = StockMovement.select().where(
            StockMovement.product == self.product.id,
            StockMovement.warehouse == self.east.id,
            StockMovement.batch.is_null(),
        )
        assert sum(m.change for m in loose) == self.east_loose


def test_random_transfers_carry_batches_and_keep_both_warehouses_equal_to_the_ledger(
    app_context,
):
    run_state_machine_as_test(
        TransferBatchMachine,
        settings=settings(
            max_examples=20,
            phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking (database)
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
