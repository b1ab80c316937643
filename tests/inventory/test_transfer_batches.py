"""Transfers carry batches (models/catalog/transfers.py, models/catalog/batches.py): units leave
the source's batches earliest expiry first and arrive at the target as batches of the same code
and expiry, in the order they left, a partial receipt bringing the first of them; on hand = the
ledger = the batches in both warehouses; a transfer sent racing orders on real threads never
takes units orders hold; the receipt page lists the batches arriving (a phone in Chromium)."""

import time
from datetime import timedelta

import pytest

from models.activities.pickup import create_pickup_point, set_serving_warehouse
from models.catalog import batches, stock
from models.catalog.ledger import StockMovement
from models.catalog.products import StockBatch, Warehouse
from models.catalog.transfers import (
    Transfer,
    carried_batches,
    create_transfer,
    receive_transfer,
    send_transfer,
)
from models.catalog.warehouses import WarehouseDetails, create_warehouse
from models.orders.lifecycle import Actor, walk_order
from models.orders.order import Order
from models.shop_time import shop_today
from tests.factories import make_activity, make_product, order_for, unique
from tests.helpers import (
    assert_fits_the_screen,
    assert_tap_targets_are_big_enough,
    csrf_token_from,
    make_user,
    race,
    sign_in,
    text_of,
)
from tests.inventory.test_batches import DONE, assert_sums, shelf
from tests.page_checks import Visitor


def day(n: int):
    return shop_today() + timedelta(days=n)


def east_store():
    return create_warehouse(WarehouseDetails(unique("w"), "East store"))


def batches_in(product, warehouse) -> dict[str, tuple]:
    rows = StockBatch.select().where(
        StockBatch.product == product.id, StockBatch.warehouse == warehouse.id
    )
    return {b.code: (b.expires_on, b.on_hand, b.received) for b in rows}


def receive(product, units, code=None, expires=None):
    stock.receive(product.id, Warehouse.default().id, units, batch=code, expires_on=expires)


def test_a_transfer_takes_the_earliest_expiry_first_and_its_batches_arrive_in_parts(app_context):
    main, east = Warehouse.default(), east_store()
    pears = make_product(2, name="Pears")  # 2 in no batch
    receive(pears, 4, "P-LATE", day(9))
    receive(pears, 3, "P-SOON", day(2))
    receive(pears, 2, "P-OLD", day(-1))  # expired: used last
    transfer = send_transfer(create_transfer(main, east, {pears.id: 9}))
    assert batches_in(pears, main) == {
        "P-LATE": (day(9), 0, 4),
        "P-SOON": (day(2), 0, 3),
        "P-OLD": (day(-1), 2, 2),
    }
    assert shelf(pears) == (2, 0)  # the expired 2 stay; the 2 in no batch left
    line = transfer.lines.get()
    parts = carried_batches(transfer)[pears.id]
    assert [(p.batch and p.batch.code, p.units, p.arrived) for p in parts] == [
        ("P-SOON", 3, 0),
        ("P-LATE", 4, 0),
        (None, 2, 0),
    ]
    transfer = receive_transfer(transfer, {line.id: 5})  # the first 5 that left
    assert batches_in(pears, east) == {"P-SOON": (day(2), 3, 3), "P-LATE": (day(9), 2, 2)}
    assert [p.arrived for p in carried_batches(transfer)[pears.id]] == [3, 2, 0]
    transfer = receive_transfer(transfer, {line.id: 3})  # the rest of P-LATE and 1 loose
    assert batches_in(pears, east) == {"P-SOON": (day(2), 3, 3), "P-LATE": (day(9), 4, 4)}
    assert shelf(pears, east) == (8, 0) and transfer.status == "in_transit"
    transfer = receive_transfer(transfer, {line.id: 1})
    assert transfer.status == "received" and shelf(pears, east) == (9, 0)
    assert StockBatch.select().where(StockBatch.warehouse == east.id).count() == 2  # joined
    arrived = StockMovement.select().where(
        StockMovement.transfer_id == transfer.id, StockMovement.kind == "transfer_in"
    )
    assert sum(m.change for m in arrived) == 9
    assert_sums(pears, main)
    assert_sums(pears, east)
    # the batches arrived are used earliest expiry first there too
    stock.try_write_off(pears.id, east.id, 4, reason="dropped")
    assert batches_in(pears, east)["P-SOON"][1] == 0 and batches_in(pears, east)["P-LATE"][1] == 3
    assert_sums(pears, east)


def test_units_without_batches_travel_as_before_and_what_never_arrives_stays_on_the_way(
    app_context,
):
    main, east = Warehouse.default(), east_store()
    plain, figs = make_product(6), make_product(0)
    receive(figs, 5, "F-1", None)  # no expiry date
    transfer = send_transfer(create_transfer(main, east, {plain.id: 4, figs.id: 3}))
    lines = {line.product_id: line for line in transfer.lines}
    transfer = receive_transfer(transfer, {lines[plain.id].id: 4, lines[figs.id].id: 2})
    assert batches_in(plain, east) == {} and shelf(plain, east) == (4, 0)
    assert batches_in(figs, east) == {"F-1": (None, 2, 2)}
    assert Transfer.get_by_id(transfer.id).status == "in_transit"  # 1 fig is still on the way
    parts = carried_batches(transfer)[figs.id]
    assert [(p.units, p.arrived, p.on_the_way) for p in parts] == [(3, 2, 1)]
    for product in (plain, figs):
        assert_sums(product, main)
        assert_sums(product, east)


@pytest.mark.parametrize("round_", range(2))
def test_transfers_sent_racing_orders_never_take_units_orders_hold(app, round_):
    with app.app_context():
        main, east = Warehouse.default(), east_store()
        product = make_product(2)
        receive(product, 8, "R-SOON", day(1))
        receive(product, 8, "R-LATE", day(6))
        version = make_activity([product], limit=40)
        placed = [order_for(version, [(product, 1)]).id for _ in range(3)]
        transfers = [create_transfer(main, east, {product.id: 3}).id for _ in range(6)]

    def act(i):
        if i % 3 == 0:
            return send_transfer(Transfer.get_by_id(transfers[i // 3])).id
        if i % 3 == 1 and i // 3 < len(placed):
            walk_order(Order.get_by_id(placed[i // 3]), DONE, Actor.system())
            return "done"
        return order_for(version, [(product, 2)], key=unique("race-")).id

    results = race(app, 18, act)
    assert {outcome for outcome, _ in results} <= {"ok", "ShortForTransfer", "OutOfStock"}
    with app.app_context():
        on_hand, reserved = shelf(product)
        open_orders = Order.select().where(Order.status != "completed")
        held = sum(line.quantity for o in open_orders for line in o.lines)
        assert reserved == held and 0 <= reserved <= on_hand
        assert_sums(product, main)
        for transfer in Transfer.select().where(Transfer.status == "in_transit"):
            receive_transfer(transfer, {line.id: line.quantity for line in transfer.lines})
        sent = 3 * Transfer.select().where(Transfer.status == "received").count()
        assert shelf(product, east) == (sent, 0)
        assert sum(b[1] for b in batches_in(product, east).values()) <= sent
        assert_sums(product, east)


def test_parts_received_at_once_on_threads_arrive_once_each_in_their_batches(app):
    with app.app_context():
        main, east = Warehouse.default(), east_store()
        product = make_product(0)
        receive(product, 3, "T-SOON", day(1))
        receive(product, 3, "T-LATE", day(5))
        sent = [send_transfer(create_transfer(main, east, {product.id: 3})) for _ in range(2)]
        lines = [(t.id, t.lines.get().id) for t in sent]

    def act(i):
        transfer_id, line_id = lines[i % 2]
        return receive_transfer(Transfer.get_by_id(transfer_id), {line_id: 1}).status

    results = race(app, 8, act)
    assert {outcome for outcome, _ in results} <= {"ok", "TooManyReceived", "TransferMoved"}
    assert sum(1 for outcome, _ in results if outcome == "ok") == 6
    with app.app_context():
        assert batches_in(product, east) == {"T-SOON": (day(1), 3, 3), "T-LATE": (day(5), 3, 3)}
        assert shelf(product, east) == (6, 0)
        assert_sums(product, east)


def _widened(monkeypatch, seconds=0.2):
    """Receipts that wait `seconds` between growing the target's stock row and looking for the
    batch to join: two receipts not kept apart by the row's lock would both find none there and
    make two. The times each receipt began and ended, to show they overlapped."""
    add = batches.add

    def slow_add(*args, **kwargs):
        time.sleep(seconds)
        return add(*args, **kwargs)

    monkeypatch.setattr(batches, "add", slow_add)
    return []


def _received(spans, transfer_id, line_id, units):
    began = time.monotonic()
    status = receive_transfer(Transfer.get_by_id(transfer_id), {line_id: units}).status
    spans.append((began, time.monotonic()))
    return status


@pytest.mark.parametrize("round_", range(2))
def test_two_transfers_of_one_batch_received_at_once_make_one_batch_at_the_target(
    app, monkeypatch, round_
):
    """Two transfers each carry units of the same batch (code and expiry) and both arrive at
    the target at the same moment, while orders are placed there and orders placed before are
    completed from its shelf: the target has one batch of that code holding both, no unit lost
    or counted twice, reserved is what open orders hold, and on hand = the ledger = the batches
    plus the units in no batch, in both warehouses."""
    with app.app_context():
        main, east = Warehouse.default(), east_store()
        point = create_pickup_point(unique("East gate "))
        set_serving_warehouse(point, east)
        point = type(point).get_by_id(point.id)
        product = make_product(0)
        receive(product, 10, "S-1", day(4))
        stock.receive(product.id, east.id, 3)  # 3 at the target already, in no batch
        version = make_activity([product], limit=40)
        before = [order_for(version, [(product, 1)], pickup_point=point).id for _ in range(2)]
        sent = [send_transfer(create_transfer(main, east, {product.id: 4})) for _ in range(2)]
        lines = [(t.id, t.lines.get().id) for t in sent]
    spans = _widened(monkeypatch)

    def act(i):
        if i < 2:
            return _received(spans, *lines[i], 4)
        if i < 4:
            walk_order(Order.get_by_id(before[i - 2]), DONE, Actor.system())
            return "completed"
        return order_for(version, [(product, 2)], pickup_point=point, key=unique("race-")).id

    results = race(app, 8, act)
    assert {outcome for outcome, _ in results} <= {"ok", "OutOfStock"}, results
    assert [outcome for outcome, _ in results[:4]] == ["ok"] * 4, results
    assert [status for _, status in results[:2]] == ["received", "received"]
    assert max(start for start, _ in spans) < min(end for _, end in spans)  # they overlapped
    with app.app_context():
        assert StockBatch.select().where(StockBatch.warehouse == east.id).count() == 1
        assert batches_in(product, east) == {"S-1": (day(4), 8 - _used(product, east), 8)}
        assert batches_in(product, main) == {"S-1": (day(4), 2, 10)}
        placed = sum(1 for outcome, value in results[4:] if outcome == "ok")
        sold = 2  # the two completed orders, 1 unit each
        assert shelf(product, east) == (3 + 8 - sold, 2 * placed)
        assert shelf(product, main) == (2, 0)
        assert_sums(product, main)
        assert_sums(product, east)


def _used(product, warehouse) -> int:
    """Units the batch gave orders completed at `warehouse` (its "sold" rows)."""
    rows = StockMovement.select().where(
        StockMovement.product == product.id,
        StockMovement.warehouse == warehouse.id,
        StockMovement.kind == "sold",
        StockMovement.batch.is_null(False),
    )
    return -sum(m.change for m in rows)


def test_staff_see_the_batches_arriving_and_receive_some(app_context, client, staff, login):
    login(staff)
    main, east = Warehouse.default(), east_store()
    kiwis = make_product(0, name="Kiwis")
    receive(kiwis, 3, "K-<b>1", day(4))
    receive(kiwis, 3, "K-2", None)
    transfer = send_transfer(create_transfer(main, east, {kiwis.id: 5}))
    line = transfer.lines.get()
    page = client.get(f"/stock/transfers/{transfer.id}")
    html = page.get_data(as_text=True)
    assert "<b>1" not in html and "&amp;lt;" not in html
    text = text_of(page)
    assert (
        f"Batch K-&lt;b&gt;1 · expires {day(4).isoformat()}: 0 of 3 arrived · 3 on the way" in text
    )
    assert "Batch K-2 · no expiry date: 0 of 2 arrived · 2 on the way" in text
    token = csrf_token_from(client, f"/stock/transfers/{transfer.id}")
    done = client.post(
        f"/stock/transfers/{transfer.id}/receive", data={"csrf_token": token, f"got-{line.id}": "4"}
    )
    assert done.status_code == 303
    text = text_of(client.get(f"/stock/transfers/{transfer.id}"))
    assert "3 of 3 arrived" in text and "1 of 2 arrived · 1 on the way" in text
    assert batches_in(kiwis, east) == {"K-<b>1": (day(4), 3, 3), "K-2": (None, 1, 1)}


@pytest.mark.browser
def test_staff_receive_a_transfer_with_batches_on_a_phone(phone_page, app):
    with app.app_context():
        staff = make_user("staff")
        main, east = Warehouse.default(), east_store()
        product = make_product(0, name="丹东草莓 Dandong strawberries")
        receive(product, 4, "SB-A", day(2))
        receive(product, 4, "SB-B", day(9))
        transfer = send_transfer(create_transfer(main, east, {product.id: 6}))
        soon, later = day(2), day(9)
    page = phone_page
    visitor = Visitor(page)
    page.goto(f"/stock/transfers/{transfer.id}")
    sign_in(page, staff)
    page.wait_for_url(f"**/stock/transfers/{transfer.id}")
    assert page.viewport_size["width"] == 390
    batches = page.locator("[data-batch]")
    assert batches.count() == 2
    assert "SB-A" in batches.nth(0).inner_text() and "4 on the way" in batches.nth(0).inner_text()
    assert visitor.check(audit=True) == []
    assert_fits_the_screen(page)
    assert_tap_targets_are_big_enough(page)
    page.get_by_label("丹东草莓 Dandong strawberries arrived").fill("5")
    page.get_by_role("button", name="Receive").click()
    page.get_by_text("Received in part.").wait_for()
    assert "4 of 4 arrived" in page.locator("[data-batch]").nth(0).inner_text()
    assert "1 of 2 arrived" in page.locator("[data-batch]").nth(1).inner_text()
    assert visitor.check(audit=True) == []
    assert_fits_the_screen(page)
    with app.app_context():
        assert batches_in(product, east) == {"SB-A": (soon, 4, 4), "SB-B": (later, 1, 1)}
