"""The payment.recorded and stock.low webhook events: written with their change, delivered
signed to a receiver on loopback (SQLite and PostgreSQL)."""

import json

import pytest

from models.api.webhooks import WebhookDelivery, add_endpoint, verify_signature
from models.catalog.admin import receive_stock, write_off_stock
from models.catalog.products import Warehouse
from models.orders.lifecycle import Actor
from models.orders.payments import InvalidAmount, record_payment
from tests.api.webhook_receiver import deliver_all
from tests.factories import order_for


def _arrived(server, secret):
    events = []
    for headers, body in server.arrived:
        assert verify_signature(secret, headers["X-Jielong-Signature"], body)
        events.append(json.loads(body))
    return events


def test_a_payment_recorded_is_sent_with_the_order_and_the_payment(app, shop, receiver, staff):
    server = receiver()
    with app.app_context():
        endpoint = add_endpoint(server.url, ["payment.recorded"])
        order = order_for(shop["version"], [(shop["apples"], 2)])
        record_payment(order, 1000, "cash", Actor.of_user(staff), order.version)
    deliver_all(app)
    (event,) = _arrived(server, endpoint.secret)
    assert event["type"] == "payment.recorded"
    assert (event["data"]["payment"]["amount_fen"], event["data"]["payment"]["method"]) == (
        1000,
        "cash",
    )
    assert event["data"]["order"]["payment_status"] == "partly_paid"


def test_a_failed_payment_sends_nothing(app, shop, receiver, staff):
    server = receiver()
    with app.app_context():
        add_endpoint(server.url, ["payment.recorded"])
        order = order_for(shop["version"], [(shop["apples"], 1)])
        with pytest.raises(InvalidAmount):
            record_payment(order, 10**9, "cash", Actor.of_user(staff), order.version)
        assert WebhookDelivery.select().count() == 0


def test_stock_low_is_sent_once_when_available_falls_to_the_mark(app, shop, receiver):
    """50 apples, mark 5: orders taking 40, then 6 (available 4: low), then 1 (still low, no
    second event); goods arrive (20) and a write-off takes it below again: a second event."""
    app.config["STOCK_LOW_UNITS"] = 5
    server = receiver()
    apples = shop["apples"]
    with app.app_context():
        endpoint = add_endpoint(server.url, ["stock.low"])
        order_for(shop["version"], [(apples, 40)])
        assert WebhookDelivery.select().count() == 0
        order_for(shop["version"], [(apples, 3), (apples, 3)])
        order_for(shop["version"], [(apples, 1)])
        receive_stock(apples, Warehouse.default(), 20)
        write_off_stock(apples, Warehouse.default(), 20, reason="crushed")
    deliver_all(app)
    events = _arrived(server, endpoint.secret)
    assert [(e["type"], e["data"]["stock"]["available"]) for e in events] == [
        ("stock.low", 4),
        ("stock.low", 3),
    ]
    assert events[0]["data"]["stock"]["sku"] == apples.sku


def test_stock_low_goes_only_to_the_endpoints_that_chose_it(app, shop, receiver):
    app.config["STOCK_LOW_UNITS"] = 49
    orders_only = receiver()
    with app.app_context():
        add_endpoint(orders_only.url, ["order.created"])
        order_for(shop["version"], [(shop["apples"], 2)])
    deliver_all(app)
    assert [json.loads(body)["type"] for _, body in orders_only.arrived] == ["order.created"]
