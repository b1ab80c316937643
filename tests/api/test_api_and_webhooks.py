"""The JSON API (/api/v1, blueprints/api.py) with hashed, scoped, revocable tokens, and the
signed webhooks (models/api/webhooks.py) delivered to a real HTTP receiver on loopback."""

import json
import re
import threading
import time

from models import ALL_MODELS
from models.api import webhooks
from models.api.tokens import ApiToken, issue_token, revoke_token
from models.api.webhooks import (
    WebhookDelivery,
    add_endpoint,
    send_again,
    send_delivery,
    signature,
    verify_signature,
)
from models.orders.lifecycle import Actor, transition_order
from tests.api.webhook_receiver import deliver_all
from tests.factories import order_for
from tests.helpers import text_of


def _get(client, url, token):
    return client.get(url, headers={"Authorization": f"Bearer {token}"})


def test_an_admin_creates_a_token_shown_once_and_stored_hashed(admin_post, as_admin, app):
    page = admin_post("/admin/integrations/tokens", {"name": "ERP", "scopes": "orders:read"})
    assert page.status_code == 200
    plaintext = re.search(r'id="new-token">([^<]+)<', page.get_data(as_text=True)).group(1)
    assert plaintext not in as_admin.get("/admin/integrations").get_data(as_text=True)
    with app.app_context():
        stored = [list(m.select().tuples()) for m in ALL_MODELS]
        assert plaintext not in json.dumps(stored, default=str)
        assert ApiToken.get().scopes == ["orders:read"]
    assert _get(as_admin, "/api/v1/orders", plaintext).status_code == 200


def test_no_valid_token_no_data(client, app):
    with app.app_context():
        _, plaintext = issue_token("Books", ["products:read"])
    assert client.get("/api/v1/orders").status_code == 401
    assert client.get("/api/v1/orders").json["error"]["code"] == "unauthorized"
    assert _get(client, "/api/v1/orders", "jl_guess").status_code == 401
    wrong_scope = _get(client, "/api/v1/orders", plaintext)
    assert wrong_scope.status_code == 403 and wrong_scope.json["error"]["code"] == "forbidden"
    with app.app_context():
        _, reader = issue_token("ERP", ["orders:read"])
        assert _get(client, "/api/v1/orders", reader).status_code == 200
        revoke_token(ApiToken.get(ApiToken.name == "ERP").id)
    assert _get(client, "/api/v1/orders", reader).status_code == 401


def test_orders_come_in_keyset_pages_with_nothing_twice(client, app, shop):
    with app.app_context():
        numbers = [order_for(shop["version"], [(shop["apples"], 1)]).number for _ in range(5)]
        _, token = issue_token("ERP", ["orders:read"])
    seen, after = [], 0
    while after is not None:
        page = _get(client, f"/api/v1/orders?limit=2&after={after}", token).json
        assert len(page["orders"]) <= 2
        seen += [order["number"] for order in page["orders"]]
        after = page["next"]
    assert seen == numbers
    one = _get(client, f"/api/v1/orders/{numbers[0]}", token).json
    assert one["lines"] == [{"name": shop["apples"].name, "quantity": 1, "unit_price_fen": 1250}]
    missing = _get(client, "/api/v1/orders/999999", token)
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"


def test_products_with_their_stock_in_keyset_pages(client, app, shop):
    with app.app_context():
        _, token = issue_token("Shelf", ["products:read"])
        order_for(shop["version"], [(shop["apples"], 3)])
    page = _get(client, "/api/v1/products?limit=1", token).json
    (apples,) = page["products"]
    assert (apples["name"], apples["price_fen"], apples["available"]) == (
        shop["apples"].name,
        1250,
        47,
    )
    assert page["next"] is None
    assert _get(client, "/api/v1/orders", token).status_code == 403  # not its scope


def test_each_token_has_its_own_rate_limit(client, app):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    with app.app_context():
        _, busy = issue_token("Busy", ["orders:read"])
        _, calm = issue_token("Calm", ["orders:read"])
    answers = [_get(client, "/api/v1/orders", busy).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = _get(client, "/api/v1/orders", busy)
    assert refused.json["error"]["code"] == "rate_limited"
    assert _get(client, "/api/v1/orders", calm).status_code == 200


def test_an_order_event_arrives_signed_and_verifiable(app, shop, receiver, staff):
    server = receiver()
    with app.app_context():
        endpoint = add_endpoint(server.url + "/hook", ["order.created", "order.status_changed"])
        order = order_for(shop["version"], [(shop["apples"], 2)])
        transition_order(order, "confirmed", Actor.of_user(staff))
    deliver_all(app)
    assert len(server.arrived) == 2
    kinds = []
    for headers, body in server.arrived:
        assert verify_signature(endpoint.secret, headers["X-Jielong-Signature"], body)
        payload = json.loads(body)
        assert payload["id"] == headers["X-Jielong-Event-Id"]
        assert payload["data"]["order"]["number"] == order.number
        kinds.append((payload["type"], payload["data"]["order"]["status"]))
    assert kinds == [("order.created", "pending"), ("order.status_changed", "confirmed")]


def test_a_signature_is_refused_when_tampered_or_outside_the_replay_window():
    body, now = b'{"id": "1"}', int(time.time())
    header = signature("s3cret", body, now)
    assert verify_signature("s3cret", header, body, now=now)
    assert not verify_signature("s3cret", header, body + b" ", now=now)
    assert not verify_signature("other", header, body, now=now)
    assert not verify_signature("s3cret", header, body, now=now + 301)
    assert not verify_signature("s3cret", "garbage", body, now=now)


def test_failures_are_retried_and_a_lost_answer_repeats_the_same_event_id(
    app, shop, receiver, monkeypatch
):
    """The receiver fails (500), then takes the request but its answer never comes back (the
    consumer gave up waiting, as if killed midway), then answers: nothing is lost, and the
    repeats carry the same event id so the receiver can drop them."""
    monkeypatch.setattr(webhooks, "TIMEOUT_SECONDS", 0.3)
    server = receiver([500, None])
    with app.app_context():
        add_endpoint(server.url, ["order.created"])
        order_for(shop["version"], [(shop["apples"], 1)])
    deliver_all(app)
    assert len(server.arrived) == 3
    assert len({headers["X-Jielong-Event-Id"] for headers, _ in server.arrived}) == 1
    with app.app_context():
        (delivery,) = WebhookDelivery.select()
        assert (delivery.status, delivery.attempts, delivery.response_code) == ("done", 3, 200)


def test_a_receiver_that_never_answers_fails_after_the_last_try(app, shop, receiver):
    server = receiver([503] * 20)
    app.config["OUTBOX_MAX_ATTEMPTS"] = 3
    with app.app_context():
        add_endpoint(server.url, ["order.created"])
        order_for(shop["version"], [(shop["apples"], 1)])
    deliver_all(app, rounds=6)
    assert len(server.arrived) == 3
    with app.app_context():
        assert WebhookDelivery.get().status == "failed"


def test_send_again_repeats_the_event_and_shows_in_the_log(
    app, shop, receiver, admin_post, as_admin
):
    server = receiver()
    with app.app_context():
        add_endpoint(server.url, ["order.created"])
        order_for(shop["version"], [(shop["apples"], 1)])
    deliver_all(app)
    with app.app_context():
        delivery = WebhookDelivery.get()
    page = as_admin.get("/admin/integrations")
    assert delivery.event_id in text_of(page)
    assert admin_post(f"/admin/integrations/deliveries/{delivery.id}/send-again").status_code == 303
    deliver_all(app)
    ids = [headers["X-Jielong-Event-Id"] for headers, _ in server.arrived]
    assert ids == [delivery.event_id, delivery.event_id]


def test_two_workers_never_send_the_same_try_twice(app, shop, receiver):
    server = receiver()
    with app.app_context():
        add_endpoint(server.url, ["order.created"])
        order_for(shop["version"], [(shop["apples"], 1)])
        delivery_id = WebhookDelivery.get().id
    results = []

    def work(n):
        with app.app_context():
            results.append(send_delivery(delivery_id, f"worker-{n}"))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]
    assert len(server.arrived) == 1
    with app.app_context():
        assert send_again(delivery_id).status == "queued"
