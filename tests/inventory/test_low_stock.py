"""Low-stock alerts (models/catalog/alerts.py): a fall to the mark by an order, a transfer or a
stock-take tells staff and admins once (in-app and email), not again until restocked above the
mark; marks per product and warehouse; the low-stock page; racing orders tell them once."""

import re

import pytest

from models.audit.log import AuditEntry
from models.catalog import alerts, stock
from models.catalog.alerts import BadMark, low_stock, set_low_mark
from models.catalog.products import Stock, Warehouse
from models.catalog.stocktake import take_stock
from models.catalog.transfers import create_transfer, send_transfer
from models.catalog.warehouses import WarehouseDetails, create_warehouse
from models.messaging.deliveries import Delivery, InboxMessage
from models.messaging.outbox import Outbox
from models.orders.lifecycle import Actor, transition_order
from tasks.notifications import sweep_due
from tests.factories import make_activity, make_product, order_for, unique
from tests.helpers import csrf_token_from, make_user, race, text_of
from tests.mailbox import Mailbox


def alerts_planned() -> list[Outbox]:
    return list(Outbox.select().where(Outbox.delivery_key.startswith("stock_low:")))


def low_since(product, warehouse):
    return Stock.get(Stock.product == product.id, Stock.warehouse == warehouse.id).low_since


def test_orders_falling_to_the_mark_tell_staff_and_admins_once_until_restocked(app, app_context):
    admin, staff = make_user("admin"), make_user("staff")
    make_user("courier")  # couriers are not told
    app.config.update(STOCK_LOW_UNITS=5)
    main = Warehouse.default()
    pears = make_product(10, name="Pears")
    version = make_activity([pears])
    order_for(version, [(pears, 4)])  # 6 left: above the mark
    assert alerts_planned() == [] and low_since(pears, main) is None
    order_for(version, [(pears, 1)])  # 5 left: at the mark
    order_for(version, [(pears, 2)])  # 3 left: still low, no second alert
    [planned] = alerts_planned()
    assert planned.payload == {"notice": "stock_low", "product": pears.id, "warehouse": main.id}

    with Mailbox() as mailbox:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=mailbox.port)
        sweep_due()
        mails = mailbox.wait_for(2)
    assert sorted(m["To"] for m in mails) == sorted([admin.email, staff.email])
    assert mails[0]["Subject"] == "Low stock: Pears at Main"
    text = mails[0].get_body(("plain",)).get_content()
    assert "Pears at Main: 3 available (on hand 10, held by orders 7)" in text
    assert "/inventory/low" in text
    inbox = InboxMessage.select().where(InboxMessage.title == "Low stock: Pears at Main")
    assert sorted(m.user_id for m in inbox) == sorted([admin.id, staff.id])

    stock.receive(pears.id, main.id, 3)  # 6 available again: no longer low
    assert low_since(pears, main) is None
    order_for(version, [(pears, 1)])  # 5: low again, a new alert
    assert len(alerts_planned()) == 2


def test_a_cancelled_order_lifting_stock_above_the_mark_ends_the_fall(app_context):
    main = Warehouse.default()
    plums = make_product(7)
    version = make_activity([plums])
    order = order_for(version, [(plums, 3)])  # 4 left: low
    assert low_since(plums, main) is not None
    transition_order(order, "cancelled", Actor.system())  # 7 again
    assert low_since(plums, main) is None
    order_for(version, [(plums, 2)])  # 5: a second fall, a second alert
    assert len(alerts_planned()) == 2


def test_a_transfer_sent_and_a_stock_take_are_falls_too(app_context):
    main = Warehouse.default()
    east = create_warehouse(WarehouseDetails(unique("w"), "East store"))
    kiwis, figs = make_product(20), make_product(20)
    send_transfer(create_transfer(main, east, {kiwis.id: 15}))  # 5 left in main
    take_stock(main, {figs.id: 2})  # counted 2
    planned = {(o.payload["product"], o.payload["warehouse"]) for o in alerts_planned()}
    assert planned == {(kiwis.id, main.id), (figs.id, main.id)}
    take_stock(main, {figs.id: 30})  # counted more: restocked
    assert low_since(figs, main) is None


def test_a_mark_of_its_own_per_warehouse_and_setting_it_takes_effect_at_once(app_context):
    main = Warehouse.default()
    east = create_warehouse(WarehouseDetails(unique("w"), "East store"))
    melons = make_product(12)
    stock.receive(melons.id, east.id, 12)
    assert low_stock() == []
    set_low_mark(melons, main, 12)  # 12 available, mark 12: low now, staff told
    [row] = low_stock()
    assert (row.stock.warehouse_id, row.available, row.mark) == (main.id, 12, 12)
    assert [o.payload["warehouse"] for o in alerts_planned()] == [main.id]
    assert low_stock(east.id) == []
    set_low_mark(melons, main, None)  # back to the setting (5): no longer low
    assert low_stock() == [] and low_since(melons, main) is None
    with pytest.raises(BadMark):
        set_low_mark(melons, main, -1)
    assert alerts.marks_of(melons) == {main.id: None, east.id: None}
    kinds = AuditEntry.select().where(AuditEntry.kind == "stock.low_mark")
    assert [entry.after for entry in kinds] == [{"low_mark": 12}, {"low_mark": None}]
    set_low_mark(melons, create_warehouse(WarehouseDetails(unique("w"), "Cold room")), None)
    assert len(alerts.marks_of(melons)) == 2  # no row made for nothing


def test_racing_orders_past_the_mark_tell_staff_once(app):
    with app.app_context():
        product = make_product(40)
        version = make_activity([product], limit=40)

    def place(i):
        return order_for(version, [(product, 1)], key=unique("race-")).id

    results = race(app, 20, place)  # 40 down to 20: above the mark (5)
    assert {outcome for outcome, _ in results} == {"ok"}
    with app.app_context():
        assert alerts_planned() == []
    more = race(app, 20, place)  # 20 down to 0, past the mark once
    assert {outcome for outcome, _ in more} == {"ok"}
    with app.app_context():
        assert len(alerts_planned()) == 1
        assert stock.available(product.id, Warehouse.default().id) == 0


def test_restocked_before_the_worker_ran_sends_nothing(app_context, admin):
    main = Warehouse.default()
    figs = make_product(6)
    stock.try_write_off(figs.id, main.id, 2)  # 4: low, an alert planned
    stock.receive(figs.id, main.id, 10)  # 14 before the worker ran
    sweep_due()
    [planned] = alerts_planned()
    assert Outbox.get_by_id(planned.id).status == "done"
    assert Delivery.select().where(Delivery.notice == "stock_low").count() == 0


def test_products_not_for_sale_are_not_listed_as_low(app_context):
    figs = make_product(1)
    assert [row.stock.product_id for row in low_stock()] == [figs.id]
    figs.active = False
    figs.save()
    assert low_stock() == []


# Over HTTP --------------------------------------------------------------------------------


def test_staff_see_what_is_low_and_set_marks_with_422_keeping_what_was_typed(client, login):
    staff = make_user("staff")
    login(staff)
    main = Warehouse.default()
    east = create_warehouse(WarehouseDetails(unique("w"), "East store"))
    pears = make_product(3, name="Pears")
    make_product(50, name="Apples")
    page = client.get("/inventory/low")
    assert page.status_code == 200
    assert "Pears" in text_of(page) and "Apples" not in text_of(page)
    assert "Pears" not in text_of(client.get(f"/inventory/low?warehouse={east.id}"))
    assert client.get("/inventory/low?warehouse=abc").status_code == 200  # odd input ignored

    url = f"/inventory/products/{pears.id}/marks"
    token = csrf_token_from(client, url)
    bad = client.post(url, data={"csrf_token": token, f"mark-{main.id}": "two"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert 'value="two"' in html and 'aria-invalid="true"' in html
    assert "Enter a whole number of units, 0 or more." in text_of(bad)
    done = client.post(
        url, data={"csrf_token": token, f"mark-{main.id}": "2", f"mark-{east.id}": ""}
    )
    assert done.status_code == 303
    assert "Pears" not in text_of(client.get("/inventory/low"))  # 3 available, mark 2
    assert Stock.get(Stock.product == pears.id, Stock.warehouse == main.id).low_mark == 2


def test_customers_and_couriers_cannot_open_the_low_stock_pages(client, login):
    assert client.get("/inventory/low").status_code == 302
    login(make_user("courier"))
    assert client.get("/inventory/low").status_code == 403


def test_the_products_page_and_the_board_show_what_is_low(app, client, login):
    login(make_user("admin"))
    pears, figs = make_product(6, name="Pears"), make_product(40, name="Figs")
    order_for(make_activity([pears, figs]), [(pears, 2), (figs, 1)])  # pears: 4 left, mark 5
    listing = client.get("/admin/products").get_data(as_text=True)
    rows = {
        re.search(r'data-sku="([^"]+)"', row).group(1): row
        for row in re.findall(r"<tr data-sku.*?</tr>", listing, re.S)
    }
    assert "Low on stock" in rows[pears.sku] and "Low on stock" not in rows[figs.sku]
    board = client.get("/board/").get_data(as_text=True)
    assert re.search(r'href="/inventory/low">Low on stock: 1<', board)
    stock.receive(pears.id, Warehouse.default().id, 10)  # restocked: no longer low
    assert "Low on stock" not in client.get("/board/").get_data(as_text=True)


def test_the_low_stock_page_comes_a_page_at_a_time_in_its_order(client, login):
    login(make_user("staff"))
    east = create_warehouse(WarehouseDetails(unique("w"), "East store"))
    made = [make_product(n % 4, name=f"Fig {n % 3}") for n in range(11)]  # ties: by id, then
    for product in made[:4]:
        stock.receive(product.id, east.id, 2)
    everything = [(row.stock.product_id, row.stock.warehouse_id) for row in low_stock()]

    pages, after = [], None
    while True:
        rows, after = alerts.low_stock_page(after=after, size=4)
        pages.append([(row.stock.product_id, row.stock.warehouse_id) for row in rows])
        if after is None:
            break
    first = client.get(f"/inventory/low?warehouse={east.id}")
    html = first.get_data(as_text=True)

    assert len(everything) == 15 and [len(page) for page in pages] == [4, 4, 4, 3]
    assert [
        row for page in pages for row in page
    ] == everything  # none repeated, none skipped, the emptiest first
    assert [row.available for row in low_stock()][:3] == [0, 0, 0]
    assert html.count("<tr data-sku=") == 4 and 'rel="next"' not in html
    assert alerts.low_stock_page(after=10**9, size=2)[0] == low_stock()[:2]  # no such row
    assert client.get("/inventory/low?after=x1").status_code == 200
