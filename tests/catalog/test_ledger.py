"""The stock ledger: every movement is a row, the stock rows are always its sums (a hypothesis
state machine of random receipts, write-offs, counts, orders placed, cancelled and completed in
two warehouses), and a product's ledger page filters, pages by keyset and exports."""

import io

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
from openpyxl import load_workbook

from models.activities.pickup import create_pickup_point, set_serving_warehouse
from models.catalog.admin import (
    HeldByOrders,
    NotEnoughFree,
    count_stock,
    receive_stock,
    write_off_stock,
)
from models.catalog.ledger import StockMovement, balance
from models.catalog.products import Stock, Warehouse
from models.catalog.warehouses import WarehouseDetails, create_warehouse
from models.errors import OutOfStock
from models.orders.lifecycle import Actor, transition_order, walk_order
from models.orders.order import Order
from tests.factories import make_activity, make_product, order_for, unique
from tests.helpers import make_user, text_of

DONE = ("confirmed", "processing", "ready", "completed")


def kinds_of(product) -> list[str]:
    query = StockMovement.select().where(StockMovement.product == product.id)
    return [m.kind for m in query.order_by(StockMovement.id)]


def test_an_orders_life_is_in_the_ledger_with_its_number_and_who(app_context):
    staff = make_user("staff")
    product = make_product(5)
    version = make_activity([product])
    kept = order_for(version, [(product, 2)])
    dropped = order_for(version, [(product, 1)])
    walk_order(kept, DONE, Actor.of_user(staff))
    transition_order(dropped, "cancelled", Actor.of_user(staff))
    assert kinds_of(product) == ["received", "reserved", "reserved", "sold", "released"]
    sold = StockMovement.get(StockMovement.kind == "sold")
    assert (sold.change, sold.reserved_change, sold.order_number, sold.user_id) == (
        -2,
        -2,
        Order.get_by_id(kept.id).number,
        staff.id,
    )
    assert balance(product.id, Warehouse.default().id) == (3, 0)


class LedgerMachine(RuleBasedStateMachine):
    """Random stock changes and orders over two products in two warehouses; after every step
    each stock row equals its ledger's sums, and both agree with a plain-Python model."""

    orders = Bundle("orders")

    def __init__(self):
        super().__init__()
        self.model: dict[tuple[int, int], list[int]] = {}  # (product, warehouse) -> [on hand, held]
        self.open: dict[int, list[tuple[int, int, int]]] = {}  # order id -> lines

    @initialize()
    def setup(self):
        self.admin = make_user("admin")
        self.warehouses = [
            Warehouse.default(),
            create_warehouse(WarehouseDetails(unique("w"), "B")),
        ]
        point = create_pickup_point("B gate")
        set_serving_warehouse(point, self.warehouses[1])
        self.points = [None, type(point).get_by_id(point.id)]
        self.products = [make_product(0), make_product(0)]
        self.version = make_activity(self.products)
        for p in self.products:
            for w in self.warehouses:
                self.model[(p.id, w.id)] = [0, 0]

    def _pick(self, p, w):
        return self.products[p], self.warehouses[w]

    @rule(p=st.integers(0, 1), w=st.integers(0, 1), units=st.integers(1, 5))
    def receive(self, p, w, units):
        product, warehouse = self._pick(p, w)
        receive_stock(product, warehouse, units, by=self.admin)
        self.model[(product.id, warehouse.id)][0] += units

    @rule(p=st.integers(0, 1), w=st.integers(0, 1), units=st.integers(1, 4))
    def write_off(self, p, w, units):
        product, warehouse = self._pick(p, w)
        on_hand, held = self.model[(product.id, warehouse.id)]
        if on_hand - held < units:
            with pytest.raises(NotEnoughFree):
                write_off_stock(product, warehouse, units, reason="lost", by=self.admin)
            return
        write_off_stock(product, warehouse, units, reason="lost", by=self.admin)
        self.model[(product.id, warehouse.id)][0] -= units

    @rule(p=st.integers(0, 1), w=st.integers(0, 1), counted=st.integers(0, 8))
    def count(self, p, w, counted):
        product, warehouse = self._pick(p, w)
        if counted < self.model[(product.id, warehouse.id)][1]:
            with pytest.raises(HeldByOrders):
                count_stock(product, warehouse, counted, by=self.admin)
            return
        count_stock(product, warehouse, counted, by=self.admin)
        self.model[(product.id, warehouse.id)][0] = counted

    @rule(target=orders, p=st.integers(0, 1), w=st.integers(0, 1), quantity=st.integers(1, 3))
    def place(self, p, w, quantity):
        product, warehouse = self._pick(p, w)
        on_hand, held = self.model[(product.id, warehouse.id)]
        try:
            order = order_for(self.version, [(product, quantity)], pickup_point=self.points[w])
        except OutOfStock:
            assert on_hand - held < quantity
            return multiple()
        assert on_hand - held >= quantity
        self.model[(product.id, warehouse.id)][1] += quantity
        self.open[order.id] = [(product.id, warehouse.id, quantity)]
        return order.id

    @rule(order_id=orders, complete=st.booleans())
    def close(self, order_id, complete):
        if order_id not in self.open:
            return
        order = Order.get_by_id(order_id)
        steps = DONE if complete else ("cancelled",)
        walk_order(order, steps, Actor.of_user(self.admin))
        for product_id, warehouse_id, quantity in self.open.pop(order_id):
            row = self.model[(product_id, warehouse_id)]
            row[1] -= quantity
            if complete:
                row[0] -= quantity

    @invariant()
    def stock_is_the_ledgers_sum(self):
        for (product_id, warehouse_id), expected in self.model.items():
            row = Stock.get_or_none(Stock.product == product_id, Stock.warehouse == warehouse_id)
            stored = [row.on_hand, row.reserved] if row else [0, 0]
            assert stored == expected
            assert list(balance(product_id, warehouse_id)) == expected


def test_random_movements_keep_on_hand_equal_to_the_ledgers_sum(app_context):
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=25,
            phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking (database)
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


# The ledger page -----------------------------------------------------------------------


def test_the_ledger_page_filters_pages_by_keyset_and_exports(as_admin, admin, app):
    with app.app_context():
        product = make_product(0)
        other = create_warehouse(WarehouseDetails("east", "East store"))
        main = Warehouse.default()
        for i in range(55):
            receive_stock(product, main, 1, reason=f"box {i}", by=admin)
        write_off_stock(product, main, 2, reason="Damaged", by=admin)
        receive_stock(product, other, 7, reason="to east", by=admin)
    url = f"/admin/products/{product.id}/ledger"

    first = as_admin.get(url)
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    assert html.count("<tr data-kind=") == 50
    assert "to east" in html and "box 4 " not in html + " "
    older = as_admin.get(f"{url}?before={_older_link(html)}")
    assert (
        older.get_data(as_text=True).count("<tr data-kind=") == 8
    )  # 58 in all, the factory's 0 first
    assert "box 0" in text_of(older)

    damaged = as_admin.get(f"{url}?kind=written_off")
    assert damaged.get_data(as_text=True).count("<tr data-kind=") == 1
    east = as_admin.get(f"{url}?warehouse={other.id}", headers={"HX-Request": "true"})
    assert east.get_data(as_text=True).count("<tr data-kind=") == 1
    assert "<html" not in east.get_data(as_text=True)  # the fragment

    csv = as_admin.get(f"{url}.csv?kind=written_off").get_data(as_text=True)
    lines = csv.strip().splitlines()
    assert len(lines) == 2 and "Damaged" in lines[1] and ",-2," in lines[1]
    workbook = load_workbook(io.BytesIO(as_admin.get(f"{url}.xlsx").data))
    assert workbook.active.max_row == 59  # the header and every movement


def _older_link(html: str) -> str:
    import re

    return re.search(r'rel="next" href="[^"]*before=(\d+)', html).group(1)


def test_odd_ledger_filters_are_ignored(as_admin):
    product = make_product(3)
    url = f"/admin/products/{product.id}/ledger"
    for query in ("?from=2026-02-31", "?before=x", "?kind=nonsense", "?warehouse=999999999999"):
        assert as_admin.get(url + query).status_code == 200
