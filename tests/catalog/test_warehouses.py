"""Warehouses at /admin/warehouses, and orders reserving in the warehouse that serves their
pickup point (or delivery), with fallback when the admin allows it."""

import pytest

from models.activities.pickup import create_pickup_point, set_serving_warehouse
from models.catalog import stock
from models.catalog.products import Stock, Warehouse
from models.catalog.warehouses import (
    BadFallback,
    CodeTaken,
    MainStaysInUse,
    WarehouseDetails,
    create_warehouse,
    update_warehouse,
)
from models.errors import OutOfStock
from models.orders.order import OrderLine
from tests.factories import make_activity, make_product, order_for
from tests.helpers import csrf_token_from, text_of


def held(product, warehouse) -> tuple[int, int]:
    row = Stock.get_or_none(Stock.product == product.id, Stock.warehouse == warehouse.id)
    return (row.on_hand, row.reserved) if row else (0, 0)


def served_point(warehouse):
    point = create_pickup_point("East gate")
    set_serving_warehouse(point, warehouse)
    return type(point).get_by_id(point.id)


def east(**options) -> Warehouse:
    return create_warehouse(WarehouseDetails(code="east", name="East store", **options))


def test_admins_add_and_change_warehouses_and_bad_input_is_422(as_admin, admin_post):
    token = csrf_token_from(as_admin, "/admin/warehouses")
    form = {"csrf_token": token, "name": "East store", "code": "east", "active": "y"}
    added = admin_post("/admin/warehouses", form)
    assert added.status_code == 303
    warehouse = Warehouse.get(Warehouse.code == "east")
    again = admin_post("/admin/warehouses", {**form, "name": "Another"})
    assert again.status_code == 422
    assert "already has this code" in text_of(again)
    assert "Another" in again.get_data(as_text=True)  # what was typed stays
    bad = admin_post("/admin/warehouses", {**form, "code": "no spaces", "name": ""})
    assert bad.status_code == 422
    main = Warehouse.default()
    saved = admin_post(
        f"/admin/warehouses/{warehouse.id}",
        {**form, "address": "1 East Rd", "fallback_id": str(main.id), "delivers": "y"},
    )
    assert saved.status_code == 303
    warehouse = Warehouse.get_by_id(warehouse.id)
    assert (warehouse.address, warehouse.fallback_id, warehouse.delivers) == (
        "1 East Rd",
        main.id,
        True,
    )
    assert "East store" in text_of(as_admin.get("/admin/warehouses"))


def test_staff_cannot_open_warehouses(client, staff, login):
    login(staff)
    assert client.get("/admin/warehouses").status_code == 403


def test_the_rules_of_a_warehouse(app_context):
    warehouse = east()
    with pytest.raises(CodeTaken):
        create_warehouse(WarehouseDetails(code="east", name="Again"))
    with pytest.raises(BadFallback):
        update_warehouse(warehouse, WarehouseDetails("east", "East", fallback_id=warehouse.id))
    with pytest.raises(MainStaysInUse):
        main = Warehouse.default()
        update_warehouse(main, WarehouseDetails("main", "Main", active=False))
    west = create_warehouse(WarehouseDetails(code="west", name="West", delivers=True))
    update_warehouse(warehouse, WarehouseDetails("east", "East", delivers=True))
    assert Warehouse.for_delivery().id == warehouse.id
    assert not Warehouse.get_by_id(west.id).delivers  # one ships delivery orders


def test_an_order_reserves_in_the_warehouse_serving_its_pickup_point(app_context):
    warehouse = east()
    point = served_point(warehouse)
    product = make_product(10)  # in the main warehouse
    stock.receive(product.id, warehouse.id, 3)
    version = make_activity([product])
    order = order_for(version, [(product, 2)], pickup_point=point)
    assert OrderLine.get(OrderLine.order == order.id).warehouse_id == warehouse.id
    assert held(product, warehouse) == (3, 2)
    assert held(product, Warehouse.default()) == (10, 0)
    with pytest.raises(OutOfStock) as refused:  # what is left there, not elsewhere
        order_for(version, [(product, 5)], pickup_point=point)
    assert refused.value.details["short"] == {product.id: 1}


def test_with_fallback_a_short_line_comes_from_the_other_warehouse_and_says_so(app_context):
    main = Warehouse.default()
    warehouse = east(fallback_id=main.id)
    point = served_point(warehouse)
    product = make_product(10)
    stock.receive(product.id, warehouse.id, 1)
    version = make_activity([product])
    order = order_for(version, [(product, 4)], pickup_point=point)
    assert OrderLine.get(OrderLine.order == order.id).warehouse_id == main.id
    assert held(product, main) == (10, 4)
    assert held(product, warehouse) == (1, 0)


def test_delivery_orders_reserve_in_the_delivery_warehouse(app_context):
    warehouse = east(delivers=True)
    product = make_product(0)
    stock.receive(product.id, warehouse.id, 5)
    version = make_activity([product])
    order = order_for(version, [(product, 5)], address="2 Long Rd")
    assert OrderLine.get(OrderLine.order == order.id).warehouse_id == warehouse.id


def test_admins_choose_the_warehouse_serving_a_pickup_point(as_admin, admin_post):
    warehouse = east()
    point = create_pickup_point("East gate")
    token = csrf_token_from(as_admin, "/admin/warehouses")
    answer = admin_post(
        f"/admin/warehouses/pickup-points/{point.id}",
        {f"point-{point.id}-csrf_token": token, f"point-{point.id}-warehouse_id": warehouse.id},
    )
    assert answer.status_code == 303
    assert type(point).get_by_id(point.id).warehouse_id == warehouse.id
