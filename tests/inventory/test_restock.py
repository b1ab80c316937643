"""Restock suggestions (models/purchasing/restock.py): the velocity from units ordered in the
window (net of cancellations), days of cover, and the quantity to order for the lead time and
the cover wanted; the page, and a purchase order drafted from it."""

import re
from datetime import timedelta

from models.base import utcnow
from models.catalog import stock
from models.catalog.ledger import StockMovement
from models.catalog.products import Warehouse
from models.catalog.warehouses import WarehouseDetails, create_warehouse
from models.orders.lifecycle import Actor, transition_order
from models.purchasing.orders import PurchaseOrder
from models.purchasing.restock import suggestions
from models.purchasing.suppliers import SupplierDetails, create_supplier
from tests.factories import make_activity, make_product, order_for, unique
from tests.helpers import csrf_token_from, make_user, text_of


def test_velocity_cover_and_the_quantity_to_order(app_context):
    main = Warehouse.default()
    pears, figs = make_product(40, name="Pears"), make_product(500, name="Figs")
    version = make_activity([pears, figs], limit=50)
    old = order_for(version, [(pears, 5)])  # before the window: not counted
    StockMovement.update(created_at=utcnow() - timedelta(days=40)).where(
        StockMovement.order_number == old.number
    ).execute()
    for _ in range(2):
        order_for(version, [(pears, 10), (figs, 1)])
    cancelled = order_for(version, [(pears, 10)])
    transition_order(cancelled, "cancelled", Actor.system())  # released: not a sale

    rows = suggestions(days=10, lead_days=3, cover_days=14)
    pear = next(r for r in rows if r.product.id == pears.id)
    assert (pear.warehouse.id, pear.ordered, pear.per_day) == (main.id, 20, 2.0)
    assert pear.available == 40 - 5 - 20 and pear.cover_days == 7.5
    assert pear.suggested == 2 * 17 - 15  # 34 needed over lead + cover, 15 on the shelf
    fig = next(r for r in rows if r.product.id == figs.id)
    assert fig.suggested == 0  # 498 available cover far more than 17 days
    assert rows[0].product.id == pears.id  # the fewest days of cover first
    assert suggestions(days=10, on_order={(pears.id, main.id): 10})[0].suggested == 9


def test_each_warehouse_has_its_own_suggestion(app_context):
    east = create_warehouse(WarehouseDetails(unique("w"), "East store"))
    kiwis = make_product(0)
    stock.receive(kiwis.id, east.id, 10)
    stock.try_reserve(kiwis.id, east.id, 6)  # as an order there would
    [row] = suggestions(days=3, lead_days=2, cover_days=4, warehouse_id=east.id)
    assert (row.warehouse.id, row.per_day, row.available, row.suggested) == (east.id, 2.0, 4, 8)
    assert suggestions(days=3, warehouse_id=Warehouse.default().id) == []


def test_staff_open_the_page_and_odd_values_fall_back_to_the_defaults(client, login):
    login(make_user("staff"))
    pears = make_product(12, name="Pears")
    order_for(make_activity([pears]), [(pears, 6)])
    page = client.get("/inventory/restock?days=1&lead=0&cover=1")
    assert page.status_code == 200
    text = text_of(page)
    assert "Pears" in text  # 6 a day, 6 available: 1.0 days of cover, nothing to order
    html = page.get_data(as_text=True)
    assert "data-cover>1.0<" in html and "<strong>0</strong>" in html
    odd = client.get("/inventory/restock?days=-4&lead=x&cover=99999&warehouse=abc")
    assert odd.status_code == 200 and 'name="days" inputmode="numeric" size="4" value="30"' in (
        odd.get_data(as_text=True)
    )


def test_couriers_cannot_open_the_suggestions(client, login):
    login(make_user("courier"))
    assert client.get("/inventory/restock").status_code == 403


def test_a_purchase_order_is_drafted_from_the_suggestions(client, login):
    login(make_user("staff"))
    pears = make_product(12, name="Pears", cost_price=420)
    figs = make_product(50, name="Figs")
    activity = make_activity([pears, figs])
    order_for(activity, [(pears, 6), (figs, 1)])
    supplier = create_supplier(SupplierDetails("Orchard Co", "", ""))
    page = client.get("/inventory/restock?days=1&lead=1&cover=2")
    html = page.get_data(as_text=True)
    main = Warehouse.default()
    link = re.search(r'href="([^"]+)">Draft a purchase order for ' + main.name, html)
    assert link, html
    drafted = client.get(link.group(1).replace("&amp;", "&"))
    assert drafted.status_code == 200
    fields = hidden_or_typed(drafted.get_data(as_text=True))
    # 6 a day, 6 available: cover for the lead day and two more is 18, so 12 to order
    assert fields[f"qty-{pears.id}"] == "12" and fields[f"cost-{pears.id}"] == "4.20"
    assert fields[f"qty-{figs.id}"] == "" and fields[f"cost-{figs.id}"] == ""  # enough figs
    token = csrf_token_from(client, "/purchasing")
    saved = client.post(
        "/purchasing/orders",
        data={
            **fields,
            "csrf_token": token,
            "supplier": str(supplier.id),
            "warehouse": str(main.id),
        },
    )
    assert saved.status_code == 303
    (line,) = PurchaseOrder.get(PurchaseOrder.supplier == supplier.id).lines
    assert (line.product_id, line.quantity, line.unit_cost) == (pears.id, 12, 420)


def hidden_or_typed(html: str) -> dict[str, str]:
    """The new purchase order's unit and cost boxes as the page fills them."""
    return dict(re.findall(r'name="((?:qty|cost)-\d+)"[^>]*value="([^"]*)"', html))
