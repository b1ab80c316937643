"""The stockroom (/stock): transfers between warehouses (draft → in transit → received, in
parts) and stock-takes per warehouse, each in the ledger; racing orders on real threads they
never take units orders hold; a stock-take on a phone in Chromium."""

import re

import pytest

from models.catalog import stock
from models.catalog.ledger import StockMovement, balance
from models.catalog.products import Stock, Warehouse
from models.catalog.stocktake import CountRefused, take_stock
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
from models.orders.order import Order
from tests.factories import make_activity, make_product, order_for, unique
from tests.helpers import csrf_token_from, make_user, race, text_of


def on_shelf(product, warehouse) -> tuple[int, int]:
    row = Stock.get_or_none(Stock.product == product.id, Stock.warehouse == warehouse.id)
    return (row.on_hand, row.reserved) if row else (0, 0)


def two_warehouses():
    return Warehouse.default(), create_warehouse(WarehouseDetails(unique("w"), "East store"))


def test_a_transfer_goes_out_then_arrives_in_parts_and_the_ledger_says_so(app_context):
    main, east = two_warehouses()
    apples, pears = make_product(10), make_product(4)
    transfer = create_transfer(main, east, {apples.id: 6, pears.id: 4, 999: 0})
    assert transfer.status == "draft" and on_shelf(apples, main) == (10, 0)
    transfer = send_transfer(transfer)
    assert transfer.status == "in_transit"
    assert on_shelf(apples, main) == (4, 0) and on_shelf(pears, main) == (0, 0)
    with pytest.raises(TransferMoved):  # sent once only
        send_transfer(transfer)
    lines = {line.product_id: line for line in transfer.lines}
    transfer = receive_transfer(transfer, {lines[apples.id].id: 5})
    assert transfer.status == "in_transit" and on_shelf(apples, east) == (5, 0)
    with pytest.raises(TooManyReceived):
        receive_transfer(transfer, {lines[apples.id].id: 2})
    transfer = receive_transfer(transfer, {lines[apples.id].id: 1, lines[pears.id].id: 4})
    assert transfer.status == "received"
    assert on_shelf(apples, east) == (6, 0) and on_shelf(pears, east) == (4, 0)
    kinds = StockMovement.select().where(StockMovement.transfer_id == transfer.id)
    assert sorted(m.kind for m in kinds) == ["transfer_in"] * 3 + ["transfer_out"] * 2
    for product in (apples, pears):
        for warehouse in (main, east):
            assert balance(product.id, warehouse.id) == on_shelf(product, warehouse)


def test_a_transfer_never_sends_units_orders_hold(app_context):
    main, east = two_warehouses()
    product = make_product(5)
    order_for(make_activity([product]), [(product, 3)])
    transfer = create_transfer(main, east, {product.id: 3})
    with pytest.raises(ShortForTransfer) as refused:
        send_transfer(transfer)
    assert refused.value.details["short"] == {product.id: 2}
    assert Transfer.get_by_id(transfer.id).status == "draft"
    assert on_shelf(product, main) == (5, 3)


def test_a_stock_take_corrects_every_count_or_none(app_context):
    main = Warehouse.default()
    apples, pears = make_product(10), make_product(6)
    order_for(make_activity([pears]), [(pears, 4)])
    with pytest.raises(CountRefused) as refused:
        take_stock(main, {apples.id: 8, pears.id: 3})
    assert list(refused.value.details["errors"]) == [pears.id]
    assert on_shelf(apples, main) == (10, 0)  # nothing changed
    movements = take_stock(main, {apples.id: 8, pears.id: 6})
    assert sorted(m.change for m in movements) == [-2, 0]
    assert on_shelf(apples, main) == (8, 0) and on_shelf(pears, main) == (6, 4)
    assert balance(apples.id, main.id) == (8, 0)


def test_transfers_and_stock_takes_racing_orders_never_take_held_units(app):
    with app.app_context():
        main, east = two_warehouses()
        product = make_product(30)
        version = make_activity([product], limit=40)
        transfers = [create_transfer(main, east, {product.id: 3}).id for _ in range(10)]

    def act(i):
        if i % 3 == 0:
            return send_transfer(Transfer.get_by_id(transfers[i // 3])).id
        if i % 3 == 1:
            return [m.change for m in take_stock(main, {product.id: 12})]
        return order_for(version, [(product, 2)], key=unique("race-")).id

    results = race(app, 30, act)

    outcomes = {outcome for outcome, _ in results}
    assert outcomes <= {"ok", "ShortForTransfer", "CountRefused", "OutOfStock"}
    with app.app_context():
        row = Stock.get(Stock.product == product.id, Stock.warehouse == main.id)
        assert 0 <= row.reserved <= row.on_hand
        assert row.reserved == 2 * Order.select().count()
        assert balance(product.id, main.id) == (row.on_hand, row.reserved)
        sent = Transfer.select().where(Transfer.status == "in_transit").count()
        assert balance(product.id, east.id) == (0, 0)
        out = StockMovement.select().where(StockMovement.kind == "transfer_out").count()
        assert out == sent


# Over HTTP --------------------------------------------------------------------------------


def test_staff_count_a_warehouse_and_bad_counts_come_back_with_422(client, staff, login):
    login(staff)
    product = make_product(10, name="Pears")
    order_for(make_activity([product]), [(product, 4)])
    url = f"/stock/{Warehouse.default().id}/count"
    token = csrf_token_from(client, url)
    bad = client.post(url, data={"csrf_token": token, f"count-{product.id}": "2.5"})
    assert bad.status_code == 422 and 'value="2.5"' in bad.get_data(as_text=True)
    held = client.post(url, data={"csrf_token": token, f"count-{product.id}": "3"})
    assert held.status_code == 422
    assert "Open orders hold 4" in text_of(held)
    done = client.post(url, data={"csrf_token": token, f"count-{product.id}": "9"})
    assert done.status_code == 303
    assert stock.available(product.id, Warehouse.default().id) == 5


def test_staff_draft_send_and_receive_a_transfer(client, staff, login):
    login(staff)
    main, east = two_warehouses()
    product = make_product(8)
    token = csrf_token_from(client, "/stock")
    made = client.post(
        "/stock/transfers",
        data={"csrf_token": token, "source": main.id, "target": east.id, f"qty-{product.id}": "5"},
    )
    assert made.status_code == 303
    transfer = Transfer.get()
    draft = client.get(f"/stock/transfers/{transfer.id}").get_data(as_text=True)
    assert "Free in source" in draft and '<td class="num">8</td>' in draft
    assert (
        client.post(f"/stock/transfers/{transfer.id}/send", data={"csrf_token": token}).status_code
        == 303
    )
    line = transfer.lines.get()
    too_many = client.post(
        f"/stock/transfers/{transfer.id}/receive", data={"csrf_token": token, f"got-{line.id}": "9"}
    )
    assert too_many.status_code == 422
    part = client.post(
        f"/stock/transfers/{transfer.id}/receive", data={"csrf_token": token, f"got-{line.id}": "2"}
    )
    assert part.status_code == 303
    assert on_shelf(product, east) == (2, 0) and on_shelf(product, main) == (3, 0)
    assert "In transit" in text_of(client.get(f"/stock/transfers/{transfer.id}"))


# In the browser ---------------------------------------------------------------------------


def test_staff_take_stock_on_a_phone(phone_page, app):
    from tests.accounts.test_sign_in_browser import assert_fits_the_screen, sign_in

    with app.app_context():
        staff = make_user("staff")
        product = make_product(12, name="丹东草莓 Dandong strawberries")
        warehouse_id = Warehouse.default().id
    page = phone_page
    page.goto(f"/stock/{warehouse_id}/count")
    sign_in(page, staff)
    page.wait_for_url(f"**/stock/{warehouse_id}/count")
    assert_fits_the_screen(page)
    page.get_by_label("丹东草莓 Dandong strawberries").fill("10")
    page.get_by_role("button", name="Save counts").click()
    page.get_by_text("Counted 1 products; 1 differed and were corrected.").wait_for()
    assert "On hand 10" in page.locator(f"[data-product='{product.sku}']").inner_text()
    assert_fits_the_screen(page)
    assert re.search(r"/stock/\d+/count$", page.url)
