"""Writes through the JSON API (`orders:write`, `stock:write`), customers reads and the
board's filters on the orders list (blueprints/api.py), on SQLite and PostgreSQL."""

import threading

from models.api.tokens import issue_token
from models.audit.log import AuditEntry
from models.catalog.products import Stock
from models.orders.order import Order, OrderEvent
from tests.factories import order_for


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


def _token(app, *scopes, name="ERP"):
    with app.app_context():
        return issue_token(name, list(scopes))[1]


def test_an_integration_moves_an_order_through_the_lifecycle(client, app, shop, as_admin):
    token = _token(app, "orders:read", "orders:write")
    with app.app_context():
        order = order_for(shop["version"], [(shop["apples"], 2)])
    url = f"/api/v1/orders/{order.number}/status"
    done = client.post(
        url, json={"status": "confirmed", "version": order.version}, headers=_auth(token)
    )
    assert done.status_code == 200
    assert (done.json["status"], done.json["version"]) == ("confirmed", order.version + 1)
    with app.app_context():
        event = OrderEvent.get(OrderEvent.order == order.id, OrderEvent.kind == "status")
        assert (event.actor_kind, event.actor_label) == ("system", "API: ERP")
    assert "API: ERP" in as_admin.get(f"/board/orders/{order.number}").get_data(as_text=True)

    stale = client.post(
        url, json={"status": "processing", "version": order.version}, headers=_auth(token)
    )
    assert stale.status_code == 409 and stale.json["error"]["code"] == "conflict"
    skipped = client.post(
        url, json={"status": "completed", "version": order.version + 1}, headers=_auth(token)
    )
    assert skipped.status_code == 422
    assert skipped.json["error"]["code"] == "transition_not_allowed"
    with app.app_context():
        assert Order.get_by_id(order.id).status == "confirmed"


def test_a_status_change_needs_the_write_scope_and_a_well_formed_body(client, app, shop):
    reader = _token(app, "orders:read")
    writer = _token(app, "orders:write", name="Writer")
    with app.app_context():
        order = order_for(shop["version"], [(shop["apples"], 1)])
    url = f"/api/v1/orders/{order.number}/status"
    refused = client.post(url, json={"status": "confirmed", "version": 1}, headers=_auth(reader))
    assert refused.status_code == 403
    for body, field in (
        ({"status": "confirmed"}, "version"),
        ({"status": "confirmed", "version": "1"}, "version"),
        ({"status": "teleported", "version": order.version}, "status"),
        ([1, 2], ""),
    ):
        answer = client.post(url, json=body, headers=_auth(writer))
        assert answer.status_code == 422, body
        assert (answer.json["error"]["code"], answer.json["error"]["field"]) == ("invalid", field)
    not_json = client.post(url, data="status=confirmed", headers=_auth(writer))
    assert not_json.status_code == 422
    missing = client.post(
        "/api/v1/orders/999999/status",
        json={"status": "confirmed", "version": 1},
        headers=_auth(writer),
    )
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"


def test_two_integrations_racing_on_one_version_change_it_once(client, app, shop):
    """Optimistic locking: 4 threads send the same version; one wins, the others get 409."""
    token = _token(app, "orders:write")
    with app.app_context():
        order = order_for(shop["version"], [(shop["apples"], 1)])
    answers, barrier = [], threading.Barrier(4)

    def send():
        with app.test_client() as own:
            barrier.wait()
            answers.append(
                own.post(
                    f"/api/v1/orders/{order.number}/status",
                    json={"status": "cancelled", "version": order.version},
                    headers=_auth(token),
                ).status_code
            )

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200, 409, 409, 409]
    with app.app_context():
        assert Stock.get(Stock.product == shop["apples"].id).reserved == 0  # released once
        assert OrderEvent.select().where(OrderEvent.kind == "status").count() == 1


def test_an_integration_sets_stock_through_the_stock_take(client, app, shop):
    token = _token(app, "stock:write", name="Warehouse app")
    apples = shop["apples"]
    with app.app_context():
        order_for(shop["version"], [(apples, 5)])
    url = f"/api/v1/products/{apples.id}/stock"
    done = client.put(url, json={"on_hand": 30}, headers=_auth(token))
    assert done.status_code == 200
    assert (done.json["on_hand"], done.json["available"]) == (30, 25)
    below = client.put(url, json={"on_hand": 4}, headers=_auth(token))
    assert below.status_code == 422 and below.json["error"]["code"] == "held_by_orders"
    negative = client.put(url, json={"on_hand": -1}, headers=_auth(token))
    assert negative.status_code == 422 and negative.json["error"]["field"] == "on_hand"
    nowhere = client.put(url, json={"on_hand": 9, "warehouse": "nope"}, headers=_auth(token))
    assert nowhere.status_code == 422 and nowhere.json["error"]["field"] == "warehouse"
    assert (
        client.put(
            "/api/v1/products/999999/stock", json={"on_hand": 1}, headers=_auth(token)
        ).status_code
        == 404
    )
    with app.app_context():
        assert Stock.get(Stock.product == apples.id).on_hand == 30
        entry = AuditEntry.get(AuditEntry.kind == "stock.counted")
        assert entry.actor_name == "API: Warehouse app" and entry.after["change"] == -20


def test_customers_are_read_with_their_own_scope(client, app, shop):
    token = _token(app, "customers:read")
    orders_only = _token(app, "orders:read", name="Other")
    with app.app_context():
        order_for(shop["version"], [(shop["apples"], 1)], name="Alice", phone="13800138000")
        order_for(shop["version"], [(shop["apples"], 1)], name="Alice", phone="13800138000")
        order_for(shop["version"], [(shop["apples"], 1)], name="Bob", phone="13900139000")
    assert client.get("/api/v1/customers", headers=_auth(orders_only)).status_code == 403
    seen, after = [], 0
    while after is not None:
        page = client.get(f"/api/v1/customers?limit=1&after={after}", headers=_auth(token)).json
        seen += page["customers"]
        after = page["next"]
    assert [(c["name"], c["phone"], c["orders"]) for c in seen] == [
        ("Alice", "+8613800138000", 2),
        ("Bob", "+8613900139000", 1),
    ]
    one = client.get(f"/api/v1/customers/{seen[1]['id']}", headers=_auth(token))
    assert one.json["name"] == "Bob"
    assert client.get("/api/v1/customers/999999", headers=_auth(token)).status_code == 404


def test_the_orders_list_takes_the_boards_filters(client, app, shop):
    token = _token(app, "orders:read")
    with app.app_context():
        alice = order_for(shop["version"], [(shop["apples"], 1)], name="Alice Wong")
        bob = order_for(shop["version"], [(shop["apples"], 4)], name="Bob Li")
        Order.update(status="confirmed").where(Order.id == bob.id).execute()

    def numbers(query):
        answer = client.get(f"/api/v1/orders?{query}", headers=_auth(token))
        assert answer.status_code == 200, query
        return [o["number"] for o in answer.json["orders"]]

    assert numbers("") == [alice.number, bob.number]  # no filter: every order
    assert numbers("status=confirmed") == [bob.number]
    assert numbers("status=pending&status=confirmed") == [alice.number, bob.number]
    assert numbers("q=wong") == [alice.number]
    assert numbers("min=20") == [bob.number]  # ¥50.00 against ¥12.50
    assert numbers("payment=paid") == []
    assert numbers("status=nonsense") == [alice.number, bob.number]  # ignored, as on the board
