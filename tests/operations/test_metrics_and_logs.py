"""/metrics (Prometheus text) and LOG_FORMAT=json (SQLite and PostgreSQL)."""

import json
import logging

from prometheus_client.parser import text_string_to_metric_families

from logs import JsonFormatter
from tests.factories import order_for

LOOPBACK = {"REMOTE_ADDR": "127.0.0.1"}
ELSEWHERE = {"REMOTE_ADDR": "203.0.113.9"}


def _samples(text: str) -> dict:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_count_orders_backlog_and_latency_per_endpoint(client, app, shop):
    with app.app_context():
        order_for(shop["version"], [(shop["apples"], 1)])
        order_for(shop["version"], [(shop["apples"], 1)])
    client.get("/healthz")
    answer = client.get("/metrics", environ_base=LOOPBACK)
    assert answer.status_code == 200
    samples = _samples(answer.get_data(as_text=True))
    assert samples[("jielong_orders_placed_total", ())] == 2
    assert samples[("jielong_outbox_backlog", (("table", "webhook_delivery"),))] == 0
    assert ("jielong_delivery_failures_total", (("table", "delivery"),)) in samples
    latency = [
        value
        for (name, labels), value in samples.items()
        if name == "jielong_request_seconds_count" and ("endpoint", "shop.health") in labels
    ]
    assert latency and latency[0] >= 1


def test_metrics_are_for_loopback_or_the_token_only(client, app):
    assert client.get("/metrics", environ_base=ELSEWHERE).status_code == 404
    app.config["METRICS_TOKEN"] = "m3trics"
    assert client.get("/metrics", environ_base=LOOPBACK).status_code == 404
    with_token = client.get(
        "/metrics", environ_base=ELSEWHERE, headers={"Authorization": "Bearer m3trics"}
    )
    assert with_token.status_code == 200
    wrong = client.get("/metrics", environ_base=ELSEWHERE, headers={"Authorization": "Bearer no"})
    assert wrong.status_code == 404


def test_json_logs_are_one_object_a_line_with_the_request(app):
    record = logging.LogRecord("jielong", logging.WARNING, __file__, 1, "hello %s", ("订单",), None)
    with app.test_request_context("/board", method="POST"):
        line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert (entry["level"], entry["message"], entry["method"], entry["path"]) == (
        "WARNING",
        "hello 订单",
        "POST",
        "/board",
    )
    assert "\n" not in line and entry["time"].endswith("+00:00")
