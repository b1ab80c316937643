"""Perishables (models/catalog/batches.py): goods received with a batch and an expiry date;
orders completed or shipped use the earliest-expiring batch first (FEFO), the ledger naming each
batch; stock in no batch is used last; near-expiry batches listed and told to staff once; expired
ones written off in one action, never units orders hold (threads on the real database)."""

from datetime import timedelta

import pytest

from models.catalog import stock
from models.catalog.batches import BadBatch, near_expiry, write_off_expired
from models.catalog.ledger import StockMovement, balance
from models.catalog.products import Stock, StockBatch, Warehouse
from models.catalog.stocktake import take_stock
from models.messaging.deliveries import InboxMessage
from models.messaging.outbox import Outbox
from models.messaging.stock_notices import plan_expiry_notices
from models.orders.lifecycle import Actor, walk_order
from models.orders.order import Order
from models.purchasing.orders import PurchaseLine, create_purchase, send_purchase
from models.purchasing.suppliers import SupplierDetails, create_supplier
from models.shop_time import shop_today
from tasks.expiry import sweep_expiring_batches
from tasks.notifications import sweep_due
from tests.factories import make_activity, make_product, order_for, unique
from tests.helpers import csrf_token_from, make_user, race, text_of

DONE = ("confirmed", "processing", "ready", "completed")


def day(n: int):
    return shop_today() + timedelta(days=n)


def left(batch) -> int:
    return StockBatch.get_by_id(batch.id).on_hand


def batch_of(product, code):
    return StockBatch.get(StockBatch.product == product.id, StockBatch.code == code)


def receive(product, units, code=None, expires=None, warehouse=None):
    warehouse = warehouse or Warehouse.default()
    stock.receive(product.id, warehouse.id, units, batch=code, expires_on=expires)
    return batch_of(product, code) if code else None


def shelf(product, warehouse=None):
    warehouse = warehouse or Warehouse.default()
    row = Stock.get(Stock.product == product.id, Stock.warehouse == warehouse.id)
    return row.on_hand, row.reserved


def assert_sums(product, warehouse=None):
    """On hand = the ledger's sum = the batches' units + the units in no batch (≥ 0), and
    each batch's units = the ledger's sum of its rows."""
    warehouse = warehouse or Warehouse.default()
    on_hand, reserved = shelf(product, warehouse)
    assert balance(product.id, warehouse.id) == (on_hand, reserved)
    batches = StockBatch.select().where(
        StockBatch.product == product.id, StockBatch.warehouse == warehouse.id
    )
    for batch in batches:
        rows = StockMovement.select().where(StockMovement.batch == batch.id)
        assert batch.on_hand == sum(m.change for m in rows)
    loose = StockMovement.select().where(
        StockMovement.product == product.id,
        StockMovement.warehouse == warehouse.id,
        StockMovement.batch.is_null(),
    )
    assert on_hand == sum(b.on_hand for b in batches) + sum(m.change for m in loose)
    assert sum(m.change for m in loose) >= 0


def test_completion_uses_the_earliest_expiring_batch_first_and_unbatched_stock_last(app_context):
    pears = make_product(4, name="Pears")  # 4 from before batches: in no batch
    late = receive(pears, 5, "L-LATE", day(10))
    soon = receive(pears, 3, "L-SOON", day(2))
    endless = receive(pears, 2, "L-DRY", None)
    assert shelf(pears) == (14, 0)
    version = make_activity([pears], limit=20)
    order = order_for(version, [(pears, 9)])
    walk_order(order, DONE, Actor.system())
    assert (left(soon), left(late), left(endless)) == (0, 0, 1)
    assert shelf(pears) == (5, 0)
    sold = StockMovement.select().where(
        StockMovement.kind == "sold", StockMovement.order_number == order.number
    )
    assert sorted((m.batch_id, m.change, m.reserved_change) for m in sold) == sorted(
        [(soon.id, -3, -3), (late.id, -5, -5), (endless.id, -1, -1)]
    )
    walk_order(order_for(version, [(pears, 3)]), DONE, Actor.system())
    assert left(endless) == 0 and shelf(pears) == (2, 0)  # then the units in no batch
    assert_sums(pears)


def test_stock_without_batches_moves_as_before_one_row_each(app_context):
    apples = make_product(10)
    version = make_activity([apples])
    order = order_for(version, [(apples, 4)])
    walk_order(order, DONE, Actor.system())
    [sold] = StockMovement.select().where(StockMovement.kind == "sold")
    assert (sold.change, sold.reserved_change, sold.batch_id) == (-4, -4, None)
    assert shelf(apples) == (6, 0)
    assert_sums(apples)


def test_expired_batches_are_used_only_when_nothing_else_is_left(app_context):
    kiwis = make_product(0)
    old = receive(kiwis, 2, "OLD", day(-1))
    fresh = receive(kiwis, 2, "NEW", day(5))
    version = make_activity([kiwis])
    walk_order(order_for(version, [(kiwis, 3)]), DONE, Actor.system())
    assert (left(fresh), left(old)) == (0, 1)
    assert_sums(kiwis)


def test_write_offs_counts_and_transfers_come_off_batches_too(app_context):
    figs = make_product(0)
    soon = receive(figs, 4, "F1", day(1))
    later = receive(figs, 4, "F2", day(9))
    movement = stock.try_write_off(figs.id, Warehouse.default().id, 5, reason="dropped")
    assert movement.change == -5  # the whole movement, though written as two rows
    assert (left(soon), left(later)) == (0, 3)
    take_stock(Warehouse.default(), {figs.id: 1})  # two fewer than seen
    assert left(later) == 1
    take_stock(Warehouse.default(), {figs.id: 4})  # three found: in no batch
    assert left(later) == 1 and shelf(figs) == (4, 0)
    assert_sums(figs)


def test_a_batch_needs_a_code_of_at_most_40_characters(app_context):
    plums = make_product(0)
    with pytest.raises(BadBatch):
        receive(plums, 1, " ", day(3))
    with pytest.raises(BadBatch):
        receive(plums, 1, "x" * 41, day(3))


def test_expired_batches_are_written_off_in_one_action_but_not_what_orders_hold(app_context):
    main = Warehouse.default()
    milk = make_product(0, name="Milk")
    eggs = make_product(0, name="Eggs")
    gone = receive(milk, 6, "M-OLD", day(-2))
    good = receive(milk, 2, "M-NEW", day(4))
    eggs_gone = receive(eggs, 3, "E-OLD", day(-1))
    version = make_activity([milk], limit=10)
    order_for(version, [(milk, 5)])  # orders hold 5 of the 8 milk: 3 free
    done = write_off_expired(main.id, by=make_user("staff"))
    assert (done.written_off, done.held) == (3 + 3, 3)
    assert (left(gone), left(good), left(eggs_gone)) == (3, 2, 0)
    assert shelf(milk) == (5, 5) and shelf(eggs) == (0, 0)
    rows = StockMovement.select().where(StockMovement.kind == "written_off")
    assert sorted((m.batch_id, m.change) for m in rows) == sorted(
        [(gone.id, -3), (eggs_gone.id, -3)]
    )
    assert all(m.reason.startswith("Expired: ") for m in rows)
    assert write_off_expired(main.id).written_off == 0  # nothing free left to write off
    assert_sums(milk)
    assert_sums(eggs)


def test_near_expiry_lists_per_warehouse_and_staff_are_told_once_per_batch(app, app_context):
    admin, staff = make_user("admin"), make_user("staff")
    make_user("courier")
    app.config.update(BATCH_NEAR_EXPIRY_DAYS=3)
    cheese = make_product(0, name="Cheese")
    soon = receive(cheese, 4, "C-SOON", day(2))
    receive(cheese, 4, "C-LATE", day(20))
    receive(cheese, 1, "C-GONE", day(-1))
    rows = near_expiry(3)
    assert [(r.batch.code, r.days_left, r.expired) for r in rows] == [
        ("C-GONE", -1, True),
        ("C-SOON", 2, False),
    ]
    assert [r.batch.code for r in near_expiry(30)][-1] == "C-LATE"
    other = Warehouse.create(code=unique("w"), name="East")
    assert near_expiry(30, other.id) == []

    sweep_expiring_batches.call_local()
    assert plan_expiry_notices() == 0  # once per batch
    [planned] = Outbox.select().where(Outbox.delivery_key.startswith("batch_expiry:"))
    assert planned.payload == {"notice": "batch_near_expiry", "batch": soon.id}
    sweep_due()
    inbox = InboxMessage.select().where(InboxMessage.title.contains("C-SOON"))
    assert sorted(m.user_id for m in inbox) == sorted([admin.id, staff.id])
    assert inbox[0].title == "Expiring: Cheese batch C-SOON at Main"


@pytest.mark.parametrize("round_", range(2))
def test_write_offs_and_consumption_racing_orders_never_take_held_units(app, round_):
    with app.app_context():
        main = Warehouse.default()
        product = make_product(6)
        receive(product, 10, "R-OLD", day(-1))
        receive(product, 10, "R-NEW", day(5))
        version = make_activity([product], limit=40)
        placed = [order_for(version, [(product, 1)]).id for _ in range(4)]

    def act(i):
        if i % 4 == 0:
            return write_off_expired(main.id).written_off
        if i % 4 == 1 and i // 4 < len(placed):
            walk_order(Order.get_by_id(placed[i // 4]), DONE, Actor.system())
            return "done"
        if i % 4 == 3:
            return stock.try_write_off(product.id, main.id, 2, reason="dropped") is not None
        return order_for(version, [(product, 2)], key=unique("race-")).id

    results = race(app, 16, act)
    assert {outcome for outcome, _ in results} <= {"ok", "OutOfStock"}, results
    with app.app_context():
        on_hand, reserved = shelf(product)
        open_orders = Order.select().where(Order.status != "completed")
        held = sum(line.quantity for o in open_orders for line in o.lines)
        assert reserved == held and 0 <= reserved <= on_hand
        assert_sums(product)


# Over HTTP --------------------------------------------------------------------------------


def test_staff_receive_with_a_batch_and_bad_input_comes_back_with_422(
    app_context, client, staff, login
):
    login(staff)
    pears = make_product(0, name="Pears")
    main = Warehouse.default()
    token = csrf_token_from(client, "/inventory/receive")
    form = {"csrf_token": token, "product": pears.id, "warehouse": main.id}
    bad = client.post(
        "/inventory/receive", data={**form, "units": "2.5", "batch": "", "expires_on": "2026-99-1"}
    )
    assert bad.status_code == 422
    page = text_of(bad)
    assert "Enter a whole number of units, 1 or more." in page
    assert "Enter a date as YYYY-MM-DD." in page
    assert 'value="2.5"' in bad.get_data(as_text=True)
    no_code = client.post(
        "/inventory/receive", data={**form, "units": "3", "expires_on": day(4).isoformat()}
    )
    assert no_code.status_code == 422 and "Enter the batch code" in text_of(no_code)
    done = client.post(
        "/inventory/receive",
        data={**form, "units": "3", "batch": "P-7", "expires_on": day(4).isoformat()},
    )
    assert done.status_code == 303
    batch = batch_of(pears, "P-7")
    assert (batch.on_hand, batch.expires_on) == (3, day(4))
    assert shelf(pears) == (3, 0)
    plain = client.post("/inventory/receive", data={**form, "units": "2"})
    assert plain.status_code == 303 and shelf(pears) == (5, 0)
    assert_sums(pears)


def test_staff_list_near_expiry_and_write_off_expired(app_context, client, staff, login):
    login(staff)
    milk = make_product(0, name="Milk")
    receive(milk, 4, "M-GONE", day(-1))
    receive(milk, 4, "M-SOON", day(1))
    page = client.get("/inventory/batches?days=3&warehouse=x")
    assert page.status_code == 200
    text = text_of(page)
    assert "M-GONE" in text and "M-SOON" in text and "expired" in text
    fragment = client.get("/inventory/batches?days=0", headers={"HX-Request": "true"})
    assert "M-SOON" not in text_of(fragment) and "<html" not in fragment.get_data(as_text=True)
    assert client.get("/inventory/batches?days=-4").status_code == 200
    token = csrf_token_from(client, "/inventory/batches")
    done = client.post("/inventory/batches/write-off", data={"csrf_token": token})
    assert done.status_code == 303
    assert "Written off: 4 expired units." in text_of(client.get(done.headers["Location"]))
    assert shelf(milk) == (4, 0)


def test_a_purchase_order_received_over_http_with_a_batch_per_line(
    app_context, client, staff, login
):
    login(staff)
    main = Warehouse.default()
    figs, nuts = make_product(0, name="Figs"), make_product(0, name="Nuts")
    purchase = send_purchase(
        create_purchase(
            create_supplier(SupplierDetails("Orchard", "", "")),
            [(figs.id, main.id, 5, 100), (nuts.id, main.id, 4, 80)],
        )
    )
    lines = {line.product_id: line.id for line in PurchaseLine.select()}
    url = f"/purchasing/orders/{purchase.id}/receive"
    token = csrf_token_from(client, f"/purchasing/orders/{purchase.id}")
    got = {"csrf_token": token, f"got-{lines[figs.id]}": "5", f"got-{lines[nuts.id]}": "4"}
    soon = day(6).isoformat()
    bad = client.post(url, data={**got, f"expires-{lines[figs.id]}": soon})
    assert bad.status_code == 422 and "Enter the batch code" in text_of(bad)
    assert shelf(figs) == (0, 0)
    done = client.post(
        url, data={**got, f"batch-{lines[figs.id]}": "FIG-9", f"expires-{lines[figs.id]}": soon}
    )
    assert done.status_code == 303
    batch = batch_of(figs, "FIG-9")
    assert (batch.on_hand, batch.expires_on) == (5, day(6))
    assert StockBatch.select().where(StockBatch.product == nuts.id).count() == 0
    assert shelf(figs) == (5, 0) and shelf(nuts) == (4, 0)
    [received] = StockMovement.select().where(StockMovement.batch == batch.id)
    assert received.purchase_id == purchase.id
    assert_sums(figs)


def test_the_demo_shop_has_batches_one_near_expiry_and_one_expired(app, runner):
    assert runner.invoke(args=["demo", "--seed", "3", "--orders", "20"]).exit_code == 0
    with app.app_context():
        rows = near_expiry(3)
        assert [(r.batch.code, r.days_left) for r in rows] == [("SB-0", -1), ("SB-A", 2)]
        assert StockBatch.select().where(StockBatch.code.startswith("PO-")).count() == 1
        for s in Stock.select():
            assert_sums(s.product, s.warehouse)
