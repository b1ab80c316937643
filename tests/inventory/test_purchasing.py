"""Suppliers and purchase orders (models/purchasing/): draft → sent → partly received →
received, or cancelled; receiving writes the ledger in one transaction, refuses more than was
ordered unless confirmed, and two people receiving the same order at once never count twice."""

import pytest

from models.catalog.ledger import StockMovement, balance
from models.catalog.products import Product, Stock, Warehouse
from models.catalog.warehouses import WarehouseDetails, create_warehouse
from models.purchasing.orders import (
    BadPurchase,
    MoreThanOrdered,
    PurchaseLine,
    PurchaseMoved,
    PurchaseOrder,
    cancel_purchase,
    create_purchase,
    on_order,
    receive_purchase,
    send_purchase,
)
from models.purchasing.restock import suggestions
from models.purchasing.suppliers import BadSupplier, Supplier, SupplierDetails, create_supplier
from tests.factories import make_activity, make_product, order_for, unique
from tests.helpers import csrf_token_from, make_user, race, text_of


def on_shelf(product, warehouse) -> int:
    row = Stock.get_or_none(Stock.product == product.id, Stock.warehouse == warehouse.id)
    return row.on_hand if row else 0


def a_supplier():
    return create_supplier(SupplierDetails(" Orchard Co ", "Mr Li", "138 0013 8000"))


def test_an_order_is_sent_received_in_parts_and_each_receipt_is_in_the_ledger(app_context):
    main = Warehouse.default()
    east = create_warehouse(WarehouseDetails(unique("w"), "East store"))
    apples, pears = make_product(2), make_product(0)
    supplier = a_supplier()
    assert supplier.name == "Orchard Co"
    purchase = create_purchase(
        supplier,
        [(apples.id, main.id, 10, 350), (pears.id, east.id, 4, 1200), (pears.id, main.id, 0, 1)],
    )
    assert purchase.status == "draft" and purchase.total() == 10 * 350 + 4 * 1200
    assert on_order() == {}  # a draft brings nothing yet
    with pytest.raises(PurchaseMoved):  # a draft receives nothing
        receive_purchase(purchase, {1: 1})
    purchase = send_purchase(purchase)
    assert purchase.status == "sent"
    assert on_order() == {(apples.id, main.id): 10, (pears.id, east.id): 4}
    lines = {line.product_id: line for line in purchase.lines}

    purchase = receive_purchase(purchase, {lines[apples.id].id: 6})
    assert purchase.status == "partly_received" and on_shelf(apples, main) == 8
    assert on_order()[(apples.id, main.id)] == 4
    with pytest.raises(MoreThanOrdered) as refused:
        receive_purchase(purchase, {lines[apples.id].id: 5, lines[pears.id].id: 4})
    assert refused.value.details["lines"] == {lines[apples.id].id: 4}
    assert on_shelf(pears, east) == 0  # all or nothing
    purchase = receive_purchase(purchase, {lines[apples.id].id: 4, lines[pears.id].id: 4})
    assert purchase.status == "received" and purchase.received_at is not None
    assert (on_shelf(apples, main), on_shelf(pears, east)) == (12, 4)
    moved = StockMovement.select().where(StockMovement.purchase_id == purchase.id)
    assert sorted((m.kind, m.change) for m in moved) == [
        ("received", 4),
        ("received", 4),
        ("received", 6),
    ]
    assert balance(apples.id, main.id) == (12, 0)
    # what a unit cost on the order is the product's cost price now: margins use it
    assert [Product.get_by_id(p.id).cost_price for p in (apples, pears)] == [350, 1200]
    with pytest.raises(PurchaseMoved):
        cancel_purchase(purchase)


def test_more_than_ordered_is_received_when_confirmed(app_context):
    main = Warehouse.default()
    figs = make_product(0)
    purchase = send_purchase(create_purchase(a_supplier(), [(figs.id, main.id, 5, 100)]))
    [line] = purchase.lines
    purchase = receive_purchase(purchase, {line.id: 6}, confirm_more=True)
    assert purchase.status == "received" and on_shelf(figs, main) == 6
    assert PurchaseLine.get_by_id(line.id).received == 6


def test_drafts_and_sent_orders_can_be_cancelled_and_bad_input_is_refused(app_context):
    main = Warehouse.default()
    figs = make_product(0)
    supplier = a_supplier()
    assert (
        cancel_purchase(create_purchase(supplier, [(figs.id, main.id, 1, 0)])).status == "cancelled"
    )
    sent = send_purchase(create_purchase(supplier, [(figs.id, main.id, 1, 0)]))
    assert cancel_purchase(sent).status == "cancelled"
    assert on_order() == {}
    with pytest.raises(BadPurchase):
        create_purchase(supplier, [(figs.id, main.id, 0, 100)])
    with pytest.raises(BadPurchase):
        create_purchase(supplier, [(figs.id, main.id, 1, -1)])
    with pytest.raises(BadSupplier):
        create_supplier(SupplierDetails("  "))


def test_what_is_on_order_lowers_the_restock_suggestion(app_context):
    main = Warehouse.default()
    kiwis = make_product(10)
    order_for(make_activity([kiwis]), [(kiwis, 10)])  # 10 in 30 days; 0 available
    before = suggestions()[0].suggested
    send_purchase(create_purchase(a_supplier(), [(kiwis.id, main.id, 3, 100)]))
    assert suggestions(on_order=on_order())[0].suggested == before - 3


def test_two_people_receiving_the_same_order_at_once_count_it_once(app):
    with app.app_context():
        main = Warehouse.default()
        melons = make_product(0)
        purchase = send_purchase(create_purchase(a_supplier(), [(melons.id, main.id, 10, 500)]))
        [line] = purchase.lines

    def receive(i):
        return receive_purchase(PurchaseOrder.get_by_id(purchase.id), {line.id: 10}).status

    results = race(app, 8, receive)

    assert sorted(outcome for outcome, _ in results).count("ok") == 1
    assert {outcome for outcome, _ in results} <= {"ok", "PurchaseMoved", "MoreThanOrdered"}
    with app.app_context():
        assert on_shelf(melons, main) == 10
        assert PurchaseLine.get_by_id(line.id).received == 10
        assert balance(melons.id, main.id) == (10, 0)
        assert PurchaseOrder.get_by_id(purchase.id).status == "received"


# Over HTTP --------------------------------------------------------------------------------


def test_staff_add_a_supplier_draft_send_print_and_receive_an_order(client, login):
    login(make_user("staff"))
    main = Warehouse.default()
    pears = make_product(0, name="Pears")
    token = csrf_token_from(client, "/purchasing")
    nameless = client.post("/purchasing/suppliers", data={"csrf_token": token, "phone": "138"})
    assert nameless.status_code == 422
    assert 'id="supplier-name" name="name"' in nameless.get_data(as_text=True)
    assert "Give the supplier a name" in text_of(nameless)
    added = client.post(
        "/purchasing/suppliers",
        data={"csrf_token": token, "name": "Orchard Co", "contact": "Mr Li", "phone": "138"},
    )
    assert added.status_code == 303
    supplier = Supplier.get(Supplier.name == "Orchard Co")

    form = {"csrf_token": token, "supplier": supplier.id, "warehouse": main.id}
    bad = client.post(
        "/purchasing/orders", data={**form, f"qty-{pears.id}": "5", f"cost-{pears.id}": "abc"}
    )
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert 'value="abc"' in html and "Enter the unit cost in yuan" in text_of(bad)
    made = client.post(
        "/purchasing/orders", data={**form, f"qty-{pears.id}": "5", f"cost-{pears.id}": "3.50"}
    )
    assert made.status_code == 303
    purchase = PurchaseOrder.get(PurchaseOrder.supplier == supplier.id)
    url = f"/purchasing/orders/{purchase.id}"
    assert made.headers["Location"].endswith(url)

    printed = client.get(f"{url}/print")
    assert printed.status_code == 200
    assert "Orchard Co" in text_of(printed) and "Pears" in text_of(printed)
    assert "CN¥17.50" in text_of(printed)  # 5 × 3.50
    assert "css/print.css" in printed.get_data(as_text=True)  # no menu on paper
    assert client.post(f"{url}/send", data={"csrf_token": token}).status_code == 303
    [line] = purchase.lines
    over = client.post(f"{url}/receive", data={"csrf_token": token, f"got-{line.id}": "7"})
    assert over.status_code == 422
    assert "5 still to come." in text_of(over) and 'value="7"' in over.get_data(as_text=True)
    assert on_shelf(pears, main) == 0
    part = client.post(f"{url}/receive", data={"csrf_token": token, f"got-{line.id}": "2"})
    assert part.status_code == 303
    assert "Partly received" in text_of(client.get(url))
    more = client.post(
        f"{url}/receive", data={"csrf_token": token, f"got-{line.id}": "4", "more": "1"}
    )
    assert more.status_code == 303 and on_shelf(pears, main) == 6
    assert PurchaseOrder.get_by_id(purchase.id).status == "received"
    assert client.post(f"{url}/cancel", data={"csrf_token": token}).status_code == 422


def test_couriers_cannot_open_purchasing(client, login):
    login(make_user("courier"))
    assert client.get("/purchasing").status_code == 403
